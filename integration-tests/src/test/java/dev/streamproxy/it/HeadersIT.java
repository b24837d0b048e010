package dev.streamproxy.it;

import dev.streamproxy.it.support.ContainerTest;
import dev.streamproxy.it.support.ProxiedApp;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;
import dev.streamproxy.it.support.Route;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Header policy on the wire, both directions: hop-by-hop and Connection-listed headers removed, forwarding headers
 * set from the connection (client-sent ones replaced), Host rewritten unless preserveHost, end-to-end headers kept
 * with all their values in order.
 */
@Route(name = "both", params = "forwardedHeaders=both")
@Route(name = "bare", params = "forwardedHeaders=false")
class HeadersIT {

    @ContainerTest
    void theBothModeWritesRfc7239ForwardedBesideTheXForwardedHeaders(ProxiedApp app) throws Exception {
        app.send(RawRequest.get("/ctx/both/f").header("Forwarded", "for=6.6.6.6;proto=https"));

        RecordedRequest up = app.upstream().takeRequest();
        assertEquals(List.of("for=127.0.0.1;proto=http;host=\"" + app.authority() + "\""), up.headers("Forwarded"),
                up::toString);
        assertEquals(List.of("127.0.0.1"), up.headers("X-Forwarded-For"));
    }

    @ContainerTest
    void withForwardedHeadersOffClientSentOnesAreStillRemoved(ProxiedApp app) throws Exception {
        app.send(RawRequest.get("/ctx/bare/f")
                .header("X-Forwarded-For", "6.6.6.6")
                .header("X-Forwarded-Host", "evil.example")
                .header("Forwarded", "for=6.6.6.6"));

        RecordedRequest up = app.upstream().takeRequest();
        assertAll(up.toString(),
                () -> assertEquals(List.of(), up.headers("X-Forwarded-For")),
                () -> assertEquals(List.of(), up.headers("X-Forwarded-Host")),
                () -> assertEquals(List.of(), up.headers("X-Forwarded-Proto")),
                () -> assertEquals(List.of(), up.headers("Forwarded")));
    }

    @ContainerTest
    void hopByHopAndConnectionListedRequestHeadersAreNotForwarded(ProxiedApp app) throws Exception {
        RawResponse r = app.send(RawRequest.get("/ctx/api/h")
                .header("Connection", "keep-alive, X-Hop-Req")
                .header("X-Hop-Req", "secret")
                .header("Keep-Alive", "timeout=77")
                .header("Proxy-Connection", "keep-alive")
                .header("Proxy-Authorization", "Basic c2VjcmV0")
                .header("TE", "deflate")
                .header("Trailer", "X-Checksum")
                .header("X-Keep", "1")
                .header("X-Multi", "a")
                .header("X-Multi", "b, c")
                .header("Authorization", "Bearer end-to-end"));

        assertEquals(200, r.status(), r::toString);
        RecordedRequest up = app.upstream().takeRequest();
        assertAll(up.toString(),
                () -> assertNull(up.header("X-Hop-Req"), "listed in Connection"),
                () -> assertFalse(up.head().connectionTokens().contains("x-hop-req"), "Connection forwarded"),
                () -> assertFalse(up.headers("Keep-Alive").contains("timeout=77"), "Keep-Alive forwarded"),
                () -> assertNull(up.header("Proxy-Connection")),
                () -> assertNull(up.header("Proxy-Authorization")),
                () -> assertNull(up.header("TE")),
                () -> assertNull(up.header("Trailer")),
                () -> assertEquals(List.of("1"), up.headers("X-Keep")),
                () -> assertEquals(List.of("a", "b, c"), up.headers("X-Multi"), "all values, in order"),
                () -> assertEquals(List.of("Bearer end-to-end"), up.headers("Authorization")));
    }

    @ContainerTest
    void anUpgradeRequestIsForwardedWithoutItsUpgradeHeaders(ProxiedApp app) throws Exception {
        RawResponse bare = app.send(RawRequest.get("/ctx/api/u").header("Upgrade", "example/1"));
        RawResponse listed = app.send(RawRequest.get("/ctx/api/u")
                .header("Connection", "Upgrade").header("Upgrade", "example/1"));

        if (app.kind().isJetty()) {
            // Jetty reads any Upgrade header as an h2c attempt and refuses a malformed one before the filter runs
            assertEquals(400, bare.status(), bare::toString);
        } else {
            assertEquals(200, bare.status(), bare::toString);
            assertNull(app.upstream().takeRequest().header("Upgrade"));
        }
        assertEquals(200, listed.status(), listed::toString);
        RecordedRequest up = app.upstream().takeRequest();
        assertNull(up.header("Upgrade"), up::toString);
        assertFalse(up.head().connectionTokens().contains("upgrade"), up::toString);
    }

    @ContainerTest
    void teTrailersIsTheOnlyTeValueForwarded(ProxiedApp app) throws Exception {
        app.send(RawRequest.get("/ctx/api/te").header("TE", "trailers, deflate;q=0.5"));

        assertEquals(List.of("trailers"), app.upstream().takeRequest().headers("TE"));
    }

    @ContainerTest
    void hopByHopAndConnectionListedResponseHeadersAreNotReturned(ProxiedApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.respond(200, "OK", "ok".getBytes(StandardCharsets.US_ASCII),
                    "Connection: X-Hop-Resp",
                    "X-Hop-Resp: secret",
                    "Keep-Alive: timeout=77",
                    "Proxy-Authenticate: Basic realm=\"upstream\"",
                    "Upgrade: example/1",
                    "Trailer: X-Checksum",
                    "X-Keep-Resp: 1",
                    "X-Multi-Resp: a",
                    "X-Multi-Resp: b, c",
                    "Cache-Control: no-store");
        });

        RawResponse r = app.send(RawRequest.get("/ctx/api/h"));

        assertAll(r.toString(),
                () -> assertEquals(200, r.status()),
                () -> assertEquals("ok", r.text()),
                () -> assertNull(r.header("X-Hop-Resp"), "listed in Connection"),
                () -> assertFalse(r.head().connectionTokens().contains("x-hop-resp"), "Connection returned"),
                () -> assertFalse(r.headers("Keep-Alive").contains("timeout=77"), "Keep-Alive returned"),
                () -> assertNull(r.header("Proxy-Authenticate")),
                () -> assertNull(r.header("Upgrade")),
                () -> assertNull(r.header("Trailer")),
                () -> assertEquals(List.of("1"), r.headers("X-Keep-Resp")),
                () -> assertEquals(List.of("a", "b, c"), r.headers("X-Multi-Resp"), "all values, in order"),
                () -> assertEquals(List.of("no-store"), r.headers("Cache-Control")));
    }

    @ContainerTest
    void forwardedHeadersDescribeTheClientConnectionAndReplaceClientSentOnes(ProxiedApp app) throws Exception {
        RawResponse r = app.send(RawRequest.get("/ctx/api/f")
                .header("Host", "proxy.example.test:8443")
                .header("X-Forwarded-For", "6.6.6.6")
                .header("X-Forwarded-For", "7.7.7.7")
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "evil.example")
                .header("X-Forwarded-Port", "1")
                .header("X-Forwarded-Prefix", "/evil")
                .header("Forwarded", "for=6.6.6.6;proto=https"));

        assertEquals(200, r.status(), r::toString);
        RecordedRequest up = app.upstream().takeRequest();
        assertAll(up.toString(),
                () -> assertEquals(List.of("127.0.0.1"), up.headers("X-Forwarded-For")),
                () -> assertEquals(List.of("http"), up.headers("X-Forwarded-Proto")),
                () -> assertEquals(List.of("proxy.example.test:8443"), up.headers("X-Forwarded-Host")),
                () -> assertEquals(List.of("8443"), up.headers("X-Forwarded-Port")),
                () -> assertEquals(List.of("/ctx/api"), up.headers("X-Forwarded-Prefix")),
                () -> assertEquals(List.of(), up.headers("Forwarded"), "the default mode writes X-Forwarded-* only"),
                () -> assertEquals(List.of(app.upstream().authority()), up.headers("Host")));
    }

    @ContainerTest
    void forwardedHeadersNameTheProxysOwnAddressWhenTheClientSentNothing(ProxiedApp app) throws Exception {
        app.send(RawRequest.get("/ctx/wide/f"));

        RecordedRequest up = app.upstream().takeRequest();
        assertAll(up.toString(),
                () -> assertEquals(List.of("127.0.0.1"), up.headers("X-Forwarded-For")),
                () -> assertEquals(List.of("http"), up.headers("X-Forwarded-Proto")),
                () -> assertEquals(List.of(app.authority()), up.headers("X-Forwarded-Host")),
                () -> assertEquals(List.of(Integer.toString(app.port())), up.headers("X-Forwarded-Port")),
                () -> assertEquals(List.of("/ctx/wide"), up.headers("X-Forwarded-Prefix")));
    }

    @ContainerTest
    void aConnectionHeaderCannotRemoveTheProxysForwardedHeaders(ProxiedApp app) throws Exception {
        app.send(RawRequest.get("/ctx/api/f")
                .header("Connection", "X-Forwarded-For, X-Forwarded-Proto, X-Forwarded-Host, Host"));

        RecordedRequest up = app.upstream().takeRequest();
        assertAll(up.toString(),
                () -> assertEquals(List.of("127.0.0.1"), up.headers("X-Forwarded-For")),
                () -> assertEquals(List.of("http"), up.headers("X-Forwarded-Proto")),
                () -> assertEquals(List.of(app.authority()), up.headers("X-Forwarded-Host")),
                () -> assertEquals(List.of(app.upstream().authority()), up.headers("Host")));
    }

    @ContainerTest
    void hostIsTheTargetsUnlessTheRoutePreservesTheClientsHost(ProxiedApp app) throws Exception {
        app.send(RawRequest.get("/ctx/api/h").header("Host", "proxy.example.test:8443"));
        app.send(RawRequest.get("/ctx/host/h").header("Host", "proxy.example.test:8443"));

        RecordedRequest rewritten = app.upstream().takeRequest();
        RecordedRequest preserved = app.upstream().takeRequest();
        assertEquals(List.of(app.upstream().authority()), rewritten.headers("Host"));
        assertEquals("/svc/h", preserved.target());
        assertEquals(List.of("proxy.example.test:8443"), preserved.headers("Host"));
        assertTrue(preserved.headers("X-Forwarded-Host").contains("proxy.example.test:8443"));
    }

    @ContainerTest
    void cookiesAreForwardedAndNeverRemembered(ProxiedApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.respond(200, "OK", new byte[0], "Set-Cookie: session=upstream-1; Path=/");
        });
        RawResponse first = app.send(RawRequest.get("/ctx/api/login").header("Cookie", "a=1; b=2"));
        app.upstream().handle(dev.streamproxy.it.support.Upstream::echo);
        app.send(RawRequest.get("/ctx/api/next"));

        assertEquals(List.of("session=upstream-1; Path=/"), first.headers("Set-Cookie"));
        assertEquals(List.of("a=1; b=2"), app.upstream().takeRequest().headers("Cookie"));
        assertEquals(List.of(), app.upstream().takeRequest().headers("Cookie"), "the proxy kept a cookie store");
    }
}
