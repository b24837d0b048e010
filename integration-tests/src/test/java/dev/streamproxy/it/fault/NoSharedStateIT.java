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
 * for another, even on the very same pooled upstream connection ({@code single} and {@code named} routes: one
 * connection for all; {@code named} addresses the upstream as {@code localhost}, since an HTTP client's cookie store
 * may refuse cookies for an IP literal and so hide a shared store).
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

        // Alice sends no Cookie header of her own: an HTTP client skips its cookie handling for a request that
        // already carries one, which would hide a shared store
        RawResponse alice = app.send(RawRequest.get("/ctx/named/login")
                .header("Authorization", "Basic YWxpY2U6c2VjcmV0"));
        RawResponse bob = app.send(RawRequest.get("/ctx/named/profile"));
        RawResponse carol = app.send(RawRequest.get("/ctx/named/profile").header("Cookie", "pref=carol"));

        assertEquals(List.of("session=alice-secret; Path=/", "remember=alice; Path=/; Max-Age=3600"),
                alice.headers("Set-Cookie"), "the client gets every Set-Cookie");
        assertEquals(200, bob.status(), bob::toString);
        assertEquals(200, carol.status(), carol::toString);
        app.upstream().takeRequest();
        RecordedRequest second = app.upstream().takeRequest();
        RecordedRequest third = app.upstream().takeRequest();
        assertAll(second.toString(),
                () -> assertEquals(List.of(), second.headers("Cookie"), "a cookie was replayed for another client"),
                () -> assertEquals(List.of(), second.headers("Authorization"), "credentials were replayed"),
                () -> assertEquals(List.of("pref=carol"), third.headers("Cookie"), "a client's own cookie, as sent"),
                () -> assertEquals(List.of(), bob.headers("Set-Cookie")),
                () -> assertTrue(app.upstream().connectionsAccepted() - connectionsBefore <= 1,
                        "the requests must share one pooled connection for this test to mean anything"));
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
