package dev.streamproxy.it.tunnel;

import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;

import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What is not a tunnel: an upstream that does not switch (its answer is relayed as an ordinary response), an
 * upstream that cannot be reached (502), an {@code Upgrade} to {@code h2c} (never tunnelled), and a route with
 * {@code upgradeProtocols=none} (tunnelling off). The client is a raw socket, which sees the status and body that a
 * WebSocket client only reports as a failed handshake.
 */
class UpgradeAnswersIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** One answer other than 101: its status, reason, extra header and body. */
    private record Refusal(int status, String reason, String header, String body) {
    }

    @TunnelTest
    void anAnswerOtherThan101IsRelayedWithItsStatusHeadersAndBody(TunnelApp app) throws Exception {
        List<Refusal> refusals = List.of(
                new Refusal(401, "Unauthorized", "WWW-Authenticate: Bearer realm=\"chat\"", "log in first\n"),
                new Refusal(404, "Not Found", "X-Reason: no such room", "no such room\n"),
                new Refusal(426, "Upgrade Required", "Sec-WebSocket-Version: 13", "websocket version 13 only\n"));
        for (Refusal refusal : refusals) {
            app.upstream().handle(ex -> ex.respond(refusal.status(), refusal.reason(),
                    refusal.body().getBytes(StandardCharsets.UTF_8), "Content-Type: text/plain", refusal.header()));

            RawResponse r = app.send(RawUpgrade.websocket("/ctx/raw/room/" + refusal.status()));

            RecordedRequest up = app.upstream().takeArrival(WAIT);
            String header = refusal.header().substring(0, refusal.header().indexOf(':'));
            String value = refusal.header().substring(header.length() + 2);
            assertAll(refusal.toString(),
                    () -> assertEquals(refusal.status(), r.status(), r::toString),
                    () -> assertEquals(refusal.body(), r.text()),
                    () -> assertEquals(value, r.header(header)),
                    () -> assertEquals("websocket", up.header("Upgrade"), "asked for as an upgrade"),
                    () -> assertEquals("Upgrade", up.header("Connection")),
                    () -> assertEquals(RawUpgrade.KEY, up.header("Sec-WebSocket-Key")));
        }
        assertEquals(0, app.statistics("raw").openTunnels());
    }

    @TunnelTest
    void aWebSocketClientSeesTheRefusalAsAFailedHandshakeWithThatStatus(TunnelApp app) throws Exception {
        app.upstream().handle(ex -> ex.respond(403, "Forbidden", "no\n".getBytes(StandardCharsets.UTF_8)));

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> WsClient.connect(app.wsUri("/ctx/raw/forbidden")));

        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class,
                failed.getCause());
        assertEquals(403, handshake.getResponse().statusCode());
    }

    @TunnelTest
    void anUnreachableUpstreamGives502(TunnelApp app) throws Exception {
        RawResponse r = app.send(RawUpgrade.websocket("/ctx/down/chat"));

        assertEquals(502, r.status(), r::toString);
        assertEquals(0, app.statistics("down").openTunnels());
    }

    @TunnelTest
    void anUpgradeToH2cIsNeverTunnelledAndReachesTheUpstreamAsAnOrdinaryRequest(TunnelApp app) throws Exception {
        RawResponse r = app.send(RawRequest.get("/ctx/raw/h2c").header("Connection", "Upgrade, HTTP2-Settings")
                .header("Upgrade", "h2c").header("HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA"));

        RecordedRequest up = app.upstream().takeRequest();
        assertAll(
                () -> assertEquals(200, r.status(), r::toString),
                () -> assertEquals("echo\n", r.text(), "the upstream's ordinary answer"),
                () -> assertNull(up.header("Upgrade"), "dropped as hop-by-hop"),
                () -> assertNull(up.header("HTTP2-Settings"), "named by Connection, so hop-by-hop"),
                () -> assertFalse(String.valueOf(up.header("Connection")).toLowerCase().contains("upgrade"),
                        up.toString()),
                () -> assertEquals(0, app.statistics("raw").openTunnels()));
    }

    @TunnelTest
    void upgradeProtocolsNoneTurnsTunnellingOff(TunnelApp app) throws Exception {
        RawResponse r = app.send(RawUpgrade.websocket("/ctx/off/chat"));

        RecordedRequest up = app.upstream().takeRequest();
        assertAll(
                () -> assertEquals(200, r.status(), "an ordinary answer, no 101: " + r),
                () -> assertNull(up.header("Upgrade"), "dropped as hop-by-hop, as before tunnelling existed"),
                () -> assertEquals(RawUpgrade.KEY, up.header("Sec-WebSocket-Key"), "other headers as always"),
                () -> assertEquals(0, app.statistics("off").openTunnels()));
    }

    @TunnelTest
    void theSameUpgradeIsTunnelledOnARouteThatAllowsIt(TunnelApp app) throws Exception {
        // the counterpart of the two tests above, on the raw upstream: it switches, and the bytes flow
        app.upstream().handle(ex -> {
            RawUpgrade.switchProtocols(ex);
            ex.out().write("after the 101".getBytes(StandardCharsets.US_ASCII));
            ex.out().flush();
        });
        try (ClientConnection c = app.connect()) {
            c.send(RawUpgrade.websocket("/ctx/raw/switch"));

            String status = c.readHead().startLine();
            RawUpgrade.Read rest = RawUpgrade.readToEnd(c, Duration.ofSeconds(10));

            assertAll(
                    () -> assertTrue(status.startsWith("HTTP/1.1 101"), status),
                    () -> assertEquals("after the 101", rest.text(), "the bytes behind the 101, then the end"),
                    () -> assertTrue(rest.endedCleanly(), rest.toString()));
        }
    }
}
