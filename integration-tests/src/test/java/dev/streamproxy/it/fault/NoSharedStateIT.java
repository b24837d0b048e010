package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No cookie, credential or redirect state survives a request: what the upstream set for one client is never replayed
 * for another, even on the very same pooled upstream connection ({@code single} route: one connection for all).
 */
class NoSharedStateIT {

    @FaultTest
    void aCookieSetForOneClientIsNeverSentForTheNextOne(FaultApp app) throws Exception {
        app.upstream().handle(ex -> {
            RecordedRequest req = ex.readAndRecord();
            if (req.target().endsWith("/login")) {
                ex.respond(200, "OK", "hello alice".getBytes(StandardCharsets.US_ASCII),
                        "Set-Cookie: session=alice-secret; Path=/",
                        "Set-Cookie: remember=alice; Path=/; Max-Age=3600");
            } else {
                ex.respond(200, "OK", "anonymous".getBytes(StandardCharsets.US_ASCII));
            }
        });
        int connectionsBefore = app.upstream().connectionsAccepted();

        RawResponse alice = app.send(RawRequest.get("/ctx/single/login")
                .header("Authorization", "Basic YWxpY2U6c2VjcmV0")
                .header("Cookie", "pref=alice"));
        RawResponse bob = app.send(RawRequest.get("/ctx/single/profile"));

        assertEquals(List.of("session=alice-secret; Path=/", "remember=alice; Path=/; Max-Age=3600"),
                alice.headers("Set-Cookie"), "the client gets every Set-Cookie");
        assertEquals(200, bob.status(), bob::toString);
        RecordedRequest first = app.upstream().takeRequest();
        RecordedRequest second = app.upstream().takeRequest();
        assertAll(second.toString(),
                () -> assertEquals(List.of("pref=alice"), first.headers("Cookie")),
                () -> assertEquals(List.of(), second.headers("Cookie"), "a cookie was replayed for another client"),
                () -> assertEquals(List.of(), second.headers("Authorization"), "credentials were replayed"),
                () -> assertEquals(List.of(), bob.headers("Set-Cookie")),
                () -> assertTrue(app.upstream().connectionsAccepted() - connectionsBefore <= 1,
                        "both requests must share one pooled connection for this test to mean anything"));
    }

    @FaultTest
    void anAuthenticationChallengeAndARedirectArePassedToTheClientNotActedOn(FaultApp app) throws Exception {
        app.upstream().handle(ex -> {
            RecordedRequest req = ex.readAndRecord();
            if (req.target().endsWith("/private")) {
                ex.respond(401, "Unauthorized", "login first".getBytes(StandardCharsets.US_ASCII),
                        "WWW-Authenticate: Basic realm=\"upstream\"");
            } else {
                ex.respond(302, "Found", new byte[0], "Location: http://" + app.upstream().authority() + "/svc/login");
            }
        });

        RawResponse challenged = app.send(RawRequest.get("/ctx/single/private")
                .header("Authorization", "Basic d3Jvbmc6d3Jvbmc="));
        RawResponse redirected = app.send(RawRequest.get("/ctx/single/moved"));

        assertAll(
                () -> assertEquals(401, challenged.status(), challenged::toString),
                () -> assertEquals(List.of("Basic realm=\"upstream\""), challenged.headers("WWW-Authenticate")),
                () -> assertEquals(302, redirected.status(), redirected::toString),
                () -> assertEquals("http://" + app.authority() + "/ctx/single/login", redirected.header("Location")),
                () -> assertEquals(2, app.upstream().requestCount(), "the proxy retried or followed on its own"));
    }
}
