package dev.streamproxy.it.tunnel;

import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.RawRequest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a tunnel ends, byte for byte, on raw sockets at both ends (the raw upstream answers {@code 101} and then reads
 * and writes what the test says): which end of stream reaches the other side, and what each container can do with
 * an upgraded connection. The client's end of stream reaches the upstream as a half-close, and the upstream may
 * still answer; the upstream's end cannot be passed on as a half-close (no container can half-close an upgraded
 * connection), so the client gets a moment to finish and then the whole connection ends. Either way the upstream
 * sees an orderly end, never a reset, and the container holds no socket afterwards.
 */
class TunnelEndingIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TunnelTest
    void theClientsEndReachesTheUpstreamAsAHalfCloseAndTheUpstreamMayStillAnswer(TunnelApp app) throws Exception {
        CompletableFuture<RawUpgrade.Read> upstreamRead = new CompletableFuture<>();
        app.upstream().handle(ex -> {
            RawUpgrade.switchProtocols(ex);
            RawUpgrade.Read read = RawUpgrade.readToEnd(ex.socket(), ex.socket().getInputStream(), WAIT);
            upstreamRead.complete(read);
            ex.out().write(("got " + read.text() + " and the end").getBytes(StandardCharsets.US_ASCII));
        });
        try (ClientConnection c = app.connect()) {
            c.send(RawUpgrade.websocket("/ctx/raw/half-close"));
            assertTrue(c.readHead().startLine().startsWith("HTTP/1.1 101"));

            c.write("ping");
            c.socket().shutdownOutput();

            RawUpgrade.Read atUpstream = upstreamRead.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            RawUpgrade.Read atClient = RawUpgrade.readToEnd(c, WAIT);
            assertAll(
                    () -> assertEquals(new RawUpgrade.Read("ping", RawUpgrade.Read.EOF), atUpstream,
                            "the upstream read the bytes, then an orderly end of stream"),
                    () -> assertEquals(new RawUpgrade.Read("got ping and the end", RawUpgrade.Read.EOF), atClient,
                            "the upstream's answer after the half-close, then the end"));
        }
        awaitNoSocketHeldByTheContainer(app);
    }

    @TunnelTest
    void theUpstreamsEndEndsTheClientsConnectionAfterAMoment(TunnelApp app) throws Exception {
        CompletableFuture<RawUpgrade.Read> upstreamRead = new CompletableFuture<>();
        app.upstream().handle(ex -> {
            RawUpgrade.switchProtocols(ex);
            ex.out().write("bye".getBytes(StandardCharsets.US_ASCII));
            ex.out().flush();
            ex.socket().shutdownOutput(); // a half-close: the upstream still reads
            upstreamRead.complete(RawUpgrade.readToEnd(ex.socket(), ex.socket().getInputStream(), WAIT));
        });
        try (ClientConnection c = app.connect()) {
            c.send(RawUpgrade.websocket("/ctx/raw/upstream-ends"));
            assertTrue(c.readHead().startLine().startsWith("HTTP/1.1 101"));
            long start = System.nanoTime();

            RawUpgrade.Read atClient = RawUpgrade.readToEnd(c, WAIT);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            RawUpgrade.Read atUpstream = upstreamRead.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            assertAll(
                    () -> assertEquals(new RawUpgrade.Read("bye", RawUpgrade.Read.EOF), atClient,
                            "the upstream's bytes, then the end of the whole connection"),
                    () -> assertTrue(millis < 5000, "the client waited " + millis + " ms for the end"),
                    () -> assertEquals(new RawUpgrade.Read("", RawUpgrade.Read.EOF), atUpstream,
                            "the upstream saw an orderly end, not a reset"));
        }
        awaitNoSocketHeldByTheContainer(app);
    }

    @TunnelTest
    void whatTheClientSendsInTheMomentAfterTheUpstreamsEndStillReachesIt(TunnelApp app) throws Exception {
        // a WebSocket server may shut its side down right after its close frame: the client's answering close
        // frame must still get through
        CompletableFuture<RawUpgrade.Read> upstreamRead = new CompletableFuture<>();
        app.upstream().handle(ex -> {
            RawUpgrade.switchProtocols(ex);
            ex.out().write("closing".getBytes(StandardCharsets.US_ASCII));
            ex.out().flush();
            ex.socket().shutdownOutput();
            upstreamRead.complete(RawUpgrade.readToEnd(ex.socket(), ex.socket().getInputStream(), WAIT));
        });
        try (ClientConnection c = app.connect()) {
            c.send(RawUpgrade.websocket("/ctx/raw/answer-the-close"));
            assertTrue(c.readHead().startLine().startsWith("HTTP/1.1 101"));
            byte[] closing = c.input().readNBytes(7);
            assertEquals("closing", new String(closing, StandardCharsets.US_ASCII));

            c.write("closed too");
            c.socket().shutdownOutput();

            assertEquals(new RawUpgrade.Read("closed too", RawUpgrade.Read.EOF),
                    upstreamRead.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals(RawUpgrade.Read.EOF, RawUpgrade.readToEnd(c, WAIT).end());
        }
        awaitNoSocketHeldByTheContainer(app);
    }

    /**
     * A handshake without {@code Content-Length}, as browsers send it: the client's bytes reach the upstream in every
     * container. Jetty 12.1.14 alone needs the filter's help here (it keeps the end of the bodiless request in the
     * upgraded input; see {@code JettyStaleEnd}): without it the upstream would read nothing and Jetty would parse
     * the client's bytes as a new HTTP request.
     */
    @TunnelTest
    void aHandshakeWithoutContentLength(TunnelApp app) throws Exception {
        CompletableFuture<RawUpgrade.Read> upstreamRead = new CompletableFuture<>();
        app.upstream().handle(ex -> {
            RawUpgrade.switchProtocols(ex);
            RawUpgrade.Read read = RawUpgrade.readToEnd(ex.socket(), ex.socket().getInputStream(), WAIT);
            upstreamRead.complete(read);
            ex.out().write(("got [" + read.text() + "]").getBytes(StandardCharsets.US_ASCII));
        });
        RawRequest handshake = RawUpgrade.websocketWithoutContentLength("/ctx/raw/browser");
        try (ClientConnection c = app.connect()) {
            c.send(handshake);
            assertTrue(c.readHead().startLine().startsWith("HTTP/1.1 101"));
            c.write("hello");
            c.socket().shutdownOutput();

            RawUpgrade.Read atUpstream = upstreamRead.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(new RawUpgrade.Read("hello", RawUpgrade.Read.EOF), atUpstream);
            assertEquals("got [hello]", RawUpgrade.readToEnd(c, WAIT).text(), "the upstream's answer");
        }
        awaitNoSocketHeldByTheContainer(app);
    }

    /** The container's side of every client connection is closed: no socket in CLOSE_WAIT or still open. */
    private static void awaitNoSocketHeldByTheContainer(TunnelApp app) {
        app.awaitNoSocketHeldByTheContainer(WAIT);
    }
}
