package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Forwarded headers an upstream can trust: from an untrusted peer every client-sent {@code X-Forwarded-*},
 * {@code Forwarded} and {@code X-Real-IP} is replaced by what the proxy saw on the connection; from a peer in
 * {@code trustedProxies} (declared as an init-param) the client chain is kept and the peer appended; a header named
 * in {@code Connection} cannot remove the proxy's own; {@code forwardedHeaders} selects the output format.
 */
class SpoofedForwardedHeadersIT {

    private static RawRequest spoofed(String target) {
        return RawRequest.get(target)
                .header("X-Forwarded-For", "6.6.6.6")
                .header("X-Forwarded-For", "7.7.7.7, 8.8.8.8")
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "evil.example")
                .header("X-Forwarded-Port", "8443")
                .header("X-Forwarded-Prefix", "/evil")
                .header("X-Forwarded-Server", "evil.example")
                .header("X-Real-IP", "6.6.6.6")
                .header("Forwarded", "for=6.6.6.6;proto=https;host=evil.example")
                .header("Forwarded", "for=\"[2001:db8::1]\"");
    }

    @FaultTest
    void fromAnUntrustedPeerEverySpoofedForwardingHeaderIsReplacedByTheConnectionsValues(FaultApp app)
            throws Exception {
        RawResponse r = app.send(spoofed("/ctx/api/whoami"));

        assertEquals(200, r.status(), r::toString);
        RecordedRequest up = app.upstream().takeRequest();
        assertAll(up.toString(),
                () -> assertEquals(List.of("127.0.0.1"), up.headers("X-Forwarded-For")),
                () -> assertEquals(List.of("http"), up.headers("X-Forwarded-Proto")),
                () -> assertEquals(List.of(app.authority()), up.headers("X-Forwarded-Host")),
                () -> assertEquals(List.of(Integer.toString(app.port())), up.headers("X-Forwarded-Port")),
                () -> assertEquals(List.of("/ctx/api"), up.headers("X-Forwarded-Prefix")),
                () -> assertEquals(List.of(), up.headers("X-Forwarded-Server")),
                () -> assertEquals(List.of(), up.headers("X-Real-IP")),
                () -> assertEquals(List.of(), up.headers("Forwarded"), "x-forwarded mode writes no Forwarded"));
    }

    @FaultTest
    void fromATrustedPeerTheClientChainIsKeptAndThePeerAppended(FaultApp app) throws Exception {
        // trustedProxies=127.0.0.1/32, ::1 and forwardedHeaders=both, declared as init-params
        RawResponse r = app.send(spoofed("/ctx/trusted/whoami"));

        assertEquals(200, r.status(), r::toString);
        RecordedRequest up = app.upstream().takeRequest();
        String hop = "for=127.0.0.1;proto=http;host=\"" + app.authority() + "\"";
        assertAll(up.toString(),
                () -> assertEquals(List.of("6.6.6.6, 7.7.7.7, 8.8.8.8, 127.0.0.1"), up.headers("X-Forwarded-For")),
                () -> assertEquals(List.of("https"), up.headers("X-Forwarded-Proto"), "the trusted proxy's client scheme"),
                () -> assertEquals(List.of("evil.example"), up.headers("X-Forwarded-Host")),
                () -> assertEquals(List.of("8443"), up.headers("X-Forwarded-Port")),
                () -> assertEquals(List.of("/evil/ctx/trusted"), up.headers("X-Forwarded-Prefix")),
                () -> assertEquals(List.of("for=6.6.6.6;proto=https;host=evil.example, for=\"[2001:db8::1]\", " + hop),
                        up.headers("Forwarded")),
                () -> assertEquals(List.of(), up.headers("X-Real-IP"), "never passed on, even from a trusted peer"),
                () -> assertEquals(List.of(), up.headers("X-Forwarded-Server")));
    }

    @FaultTest
    void aTrustedPeerThatSendsNoChainIsStillRecordedAsTheClient(FaultApp app) throws Exception {
        RawResponse r = app.send(RawRequest.get("/ctx/trusted/plain"));

        assertEquals(200, r.status(), r::toString);
        RecordedRequest up = app.upstream().takeRequest();
        assertEquals(List.of("127.0.0.1"), up.headers("X-Forwarded-For"), up::toString);
        assertEquals(List.of("for=127.0.0.1;proto=http;host=\"" + app.authority() + "\""), up.headers("Forwarded"));
    }

    @FaultTest
    void aConnectionHeaderNamingTheForwardingHeadersCannotRemoveTheProxysOwn(FaultApp app) throws Exception {
        RawResponse r = app.send(spoofed("/ctx/both/conn")
                .header("Connection", "X-Forwarded-For, X-Forwarded-Proto")
                .header("Connection", "X-Forwarded-Host, X-Forwarded-Port, X-Forwarded-Prefix, Forwarded"));

        assertEquals(200, r.status(), r::toString);
        RecordedRequest up = app.upstream().takeRequest();
        assertAll(up.toString(),
                () -> assertEquals(List.of("127.0.0.1"), up.headers("X-Forwarded-For")),
                () -> assertEquals(List.of("http"), up.headers("X-Forwarded-Proto")),
                () -> assertEquals(List.of(app.authority()), up.headers("X-Forwarded-Host")),
                () -> assertEquals(List.of(Integer.toString(app.port())), up.headers("X-Forwarded-Port")),
                () -> assertEquals(List.of("/ctx/both"), up.headers("X-Forwarded-Prefix")),
                () -> assertEquals(List.of("for=127.0.0.1;proto=http;host=\"" + app.authority() + "\""),
                        up.headers("Forwarded")));
        for (String token : up.head().connectionTokens()) {
            assertEquals(true, token.equals("keep-alive") || token.equals("te"),
                    "the client's Connection tokens reached the upstream: " + up.head().connectionTokens());
        }
    }

    @FaultTest
    void forwardedModeWritesOnlyTheRfc7239Header(FaultApp app) throws Exception {
        RawResponse r = app.send(spoofed("/ctx/fwd/x"));

        assertEquals(200, r.status(), r::toString);
        RecordedRequest up = app.upstream().takeRequest();
        assertAll(up.toString(),
                () -> assertEquals(List.of("for=127.0.0.1;proto=http;host=\"" + app.authority() + "\""),
                        up.headers("Forwarded")),
                () -> assertNull(up.header("X-Forwarded-For")),
                () -> assertNull(up.header("X-Forwarded-Proto")),
                () -> assertNull(up.header("X-Forwarded-Host")),
                () -> assertNull(up.header("X-Forwarded-Port")),
                () -> assertNull(up.header("X-Forwarded-Prefix")),
                () -> assertNull(up.header("X-Real-IP")));
    }

    @FaultTest
    void bothModeWritesBothFromTheConnection(FaultApp app) throws Exception {
        RawResponse r = app.send(spoofed("/ctx/both/x"));

        assertEquals(200, r.status(), r::toString);
        RecordedRequest up = app.upstream().takeRequest();
        assertAll(up.toString(),
                () -> assertEquals(List.of("for=127.0.0.1;proto=http;host=\"" + app.authority() + "\""),
                        up.headers("Forwarded")),
                () -> assertEquals(List.of("127.0.0.1"), up.headers("X-Forwarded-For")),
                () -> assertEquals(List.of("http"), up.headers("X-Forwarded-Proto")),
                () -> assertEquals(List.of("/ctx/both"), up.headers("X-Forwarded-Prefix")));
    }

    @FaultTest
    void noneModeWritesNeitherAndStillDropsTheClientsSpoofedHeaders(FaultApp app) throws Exception {
        RawResponse r = app.send(spoofed("/ctx/none/x"));

        assertEquals(200, r.status(), r::toString);
        RecordedRequest up = app.upstream().takeRequest();
        assertAll(up.toString(),
                () -> assertNull(up.header("Forwarded")),
                () -> assertNull(up.header("X-Forwarded-For")),
                () -> assertNull(up.header("X-Forwarded-Proto")),
                () -> assertNull(up.header("X-Forwarded-Host")),
                () -> assertNull(up.header("X-Forwarded-Port")),
                () -> assertNull(up.header("X-Forwarded-Prefix")),
                () -> assertNull(up.header("X-Forwarded-Server")),
                () -> assertNull(up.header("X-Real-IP")));
    }
}
