package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.BodyStreams;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full-duplex exchanges on route {@code duplex}: an upstream that answers {@code 200} before the request body has
 * ended and keeps reading while it answers ({@link EchoAsItReads}). Both directions must flow at once: the answer is
 * relayed as it arrives, with its own framing and without {@code Connection: close}, while the rest of the body keeps
 * going up, until the upstream stops reading.
 *
 * <ul>
 * <li>bulk echoes of 8 and 64 MiB, uploaded with a {@code Content-Length} or chunked and echoed chunked or with a
 *     {@code Content-Length}: the client writes on one thread and reads on another, and gets back exactly what it sent
 *     (SHA-256), which the upstream received whole;</li>
 * <li>a ping-pong by causality: the client sends each piece only once it has read the echo of the one before through
 *     the proxy, so any proxy that holds the answer until the body ends stalls at the first piece;</li>
 * <li>an answer that says {@code Connection: close} after part of the upload ends the upload as an early answer does:
 *     relayed whole with {@code Connection: close}, and the rest of the body reaches the upstream as nothing;</li>
 * <li>a client that resets or closes its connection after some echoes (nothing pending either way) ends the
 *     upstream's connection promptly, and nothing stays leased.</li>
 * </ul>
 * An early final error (4xx, 5xx) keeps its own rules, in {@link EarlyAnswerDuringUploadIT}.
 */
class FullDuplexIT {

    /** Tomcat's default {@code maxSwallowSize}. */
    private static final long TOMCAT_MAX_SWALLOW = 2 * 1024 * 1024;

    private static final int MIB = 1024 * 1024;
    private static final String PATH = "/ctx/duplex/echo";
    /** The most any bulk step may take; far above what the transfers need, far below the tests' 60 s limit. */
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** How long one echo of the ping-pong may take to come back: milliseconds when both directions flow. */
    private static final Duration ROUND = Duration.ofSeconds(4);
    private static final int ROUNDS = 30;

    @FaultTest
    void anEightMebibyteUploadWithAContentLengthIsEchoedChunkedWhileItUploads(FaultApp app) throws Exception {
        bulkEcho(app, 8 * MIB, false, EchoAsItReads.chunked());
    }

    @FaultTest
    void anEightMebibyteChunkedUploadIsEchoedChunkedWhileItUploads(FaultApp app) throws Exception {
        bulkEcho(app, 8 * MIB, true, EchoAsItReads.chunked());
    }

    @FaultTest
    void anEightMebibyteUploadIsEchoedWithItsContentLengthWhileItUploads(FaultApp app) throws Exception {
        bulkEcho(app, 8 * MIB, false, EchoAsItReads.withContentLength());
    }

    @FaultTest
    void aSixtyFourMebibyteUploadWithAContentLengthIsEchoedChunkedWhileItUploads(FaultApp app) throws Exception {
        bulkEcho(app, 64 * MIB, false, EchoAsItReads.chunked());
    }

    @FaultTest
    void aSixtyFourMebibyteChunkedUploadIsEchoedChunkedWhileItUploads(FaultApp app) throws Exception {
        bulkEcho(app, 64 * MIB, true, EchoAsItReads.chunked());
    }

    @FaultTest
    void aSixtyFourMebibyteUploadIsEchoedWithItsContentLengthWhileItUploads(FaultApp app) throws Exception {
        bulkEcho(app, 64 * MIB, false, EchoAsItReads.withContentLength());
    }

    @FaultTest
    void thirtyPiecesEachSentOnlyAfterTheEchoOfTheOneBeforeComeBackInOrder(FaultApp app) throws Exception {
        EchoAsItReads echo = EchoAsItReads.chunked();
        app.upstream().handle(echo);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();

        try (ClientConnection c = app.connect()) {
            InputStream echoes = pingPong(c, ROUNDS, echo, sent);
            c.write("0\r\n\r\n");

            assertEquals(-1, readEnd(echoes, echo), "the answer went on after the client ended its body");
        }
        echo.awaitEnd(ROUND, "the upstream reading the body to its end");
        assertEquals(EchoAsItReads.WHOLE_BODY, echo.end(), echo::describe);
        assertEquals(Payload.digest(sent.toByteArray()), echo.received(), "what the upstream received");
        assertEquals(1, app.upstream().requestCount(), "requests that reached the upstream");
    }

    @FaultTest
    void a200WithConnectionCloseAfterPartOfTheUploadIsRelayedWholeAndEndsTheUpload(FaultApp app) throws Exception {
        int body = 32 * MIB;
        int readBeforeAnswer = 256 * 1024;
        byte[] accepted = "accepted: the rest is not needed\n".getBytes(StandardCharsets.US_ASCII);
        CountDownLatch clientHasTheAnswer = new CountDownLatch(1);
        CountDownLatch upstreamDone = new CountDownLatch(1);
        AtomicBoolean answeredWhileHeld = new AtomicBoolean();
        AtomicLong read = new AtomicLong();
        AtomicReference<String> end = new AtomicReference<>("not ended");
        app.upstream().handle(ex -> {
            try {
                InputStream in = ex.body();
                read.set(in.readNBytes(readBeforeAnswer).length);
                ex.respond(200, "OK", accepted, "Content-Type: text/plain", "Connection: close");
                // nothing read meanwhile: what the proxy sends on piles up in the socket buffers, a few MiB at most
                answeredWhileHeld.set(Await.quietly(clientHasTheAnswer, WAIT));
                ex.socket().setSoTimeout((int) WAIT.toMillis());
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    read.addAndGet(n);
                }
                end.set(EchoAsItReads.WHOLE_BODY);
            } catch (IOException e) {
                end.set("the proxy ended the connection: " + e);
            } finally {
                ex.closeAfter();
                upstreamDone.countDown();
            }
        });

        RawResponse r;
        try (ClientConnection c = app.connect()) {
            c.send(upload().header("Content-Length", Integer.toString(body)));
            BackgroundUpload.start(c, body, 3);
            r = c.readResponse("POST");
            clientHasTheAnswer.countDown();
            Await.latch(upstreamDone, WAIT, "the upstream seeing its connection end", read::get);
        }

        assertAll(r + "\nthe upstream read " + read.get() + " bytes, then " + end.get(),
                () -> assertEquals(200, r.status()),
                () -> assertArrayEquals(accepted, r.body(), "not the upstream's body, byte for byte"),
                () -> assertTrue(r.head().connectionTokens().contains("close"),
                        "the upstream's Connection: close was not relayed"),
                () -> assertTrue(answeredWhileHeld.get(), "the client got the answer only once the upstream had "
                        + "given up: the proxy waited for its upload to end before relaying the answer"),
                () -> assertNotEquals(EchoAsItReads.WHOLE_BODY, end.get(), "the proxy sent all " + body
                        + " bytes after an answer that said Connection: close"),
                () -> assertEquals(1, app.upstream().requestCount(),
                        "the rest of the upload reached the upstream as another request"));
    }

    @FaultTest
    void aClientThatResetsAfterSomeEchoesEndsTheUpstreamConnectionPromptly(FaultApp app) throws Exception {
        leaveAfterSomeEchoes(app, true);
    }

    @FaultTest
    void aClientThatClosesAfterSomeEchoesEndsTheUpstreamConnectionPromptly(FaultApp app) throws Exception {
        leaveAfterSomeEchoes(app, false);
    }

    /**
     * Five rounds of ping-pong, then the client goes away with its body unfinished, at a point where nothing is
     * pending in either direction: the proxy waits for the client's next piece and for the upstream's next echo at
     * once, and only a read of the client's side can tell it that the client is gone.
     */
    private static void leaveAfterSomeEchoes(FaultApp app, boolean reset) throws Exception {
        // far below the route's responseTimeout: a proxy that notices the client only when its read of the upstream
        // times out is too late
        Duration bound = FaultApp.DUPLEX_RESPONSE_TIMEOUT.dividedBy(2);
        EchoAsItReads echo = EchoAsItReads.chunked();
        app.upstream().handle(echo);

        try (ClientConnection c = app.connect()) {
            pingPong(c, 5, echo, new ByteArrayOutputStream());
            if (reset) {
                c.abort();
            }
        }

        echo.awaitEnd(bound, "the upstream seeing its connection end after the client " + (reset ? "reset" : "closed")
                + " its own");
        assertNotEquals(EchoAsItReads.WHOLE_BODY, echo.end(), "the client's body was cut off, yet it arrived whole");
        app.awaitNoLeasedConnections(FaultMatrix.QUIET_DEADLINE);
        assertEquals(0, app.proxy("duplex").poolStatistics().leased(), "connections leased after the exchange");
    }

    /**
     * Starts a chunked POST and plays {@code rounds} rounds: piece n is sent only once the echo of piece n-1 has
     * come back through the proxy, each echo awaited at most {@link #ROUND}.
     *
     * @return the answer's body, positioned after the last echo
     */
    private static InputStream pingPong(ClientConnection c, int rounds, EchoAsItReads echo, ByteArrayOutputStream sent)
            throws IOException {
        c.socket().setSoTimeout((int) ROUND.toMillis());
        c.send(upload().header("Transfer-Encoding", "chunked"));
        InputStream echoes = null;
        for (int n = 0; n < rounds; n++) {
            byte[] piece = Payload.bytes(700 + 61 * n, 1000 + n);
            c.write(chunk(piece));
            sent.writeBytes(piece);
            if (echoes == null) {
                HttpHead head = head(c, "answer's head once piece 0 was sent", echo, () -> "piece 0 sent");
                assertFullDuplexAnswer(head, echo, -1, false);
                echoes = c.body(head, "POST");
            }
            assertArrayEquals(piece, readEcho(echoes, piece.length, n, echo), "the echo of piece " + n);
        }
        return echoes;
    }

    /**
     * Uploads {@code size} bytes (a {@code Content-Length}, or chunked) from a background thread while the test thread
     * reads the echo, and checks the head as it arrives, then what came back and what the upstream received.
     */
    private static void bulkEcho(FaultApp app, int size, boolean chunkedUpload, EchoAsItReads echo)
            throws Exception {
        long seed = size + (chunkedUpload ? 1 : 0);
        app.upstream().handle(echo);
        try (ClientConnection c = app.connect()) {
            c.send(chunkedUpload ? upload().header("Transfer-Encoding", "chunked")
                    : upload().header("Content-Length", Integer.toString(size)));
            BackgroundUpload upload = chunkedUpload ? BackgroundUpload.startChunked(c, size, seed)
                    : BackgroundUpload.start(c, size, seed);
            HttpHead head = head(c, "answer's head", echo, () -> upload.awaitEnd(Duration.ZERO));
            // Tomcat itself ends the client's connection after a response committed while more of a declared body
            // than its maxSwallowSize (2 MiB) is unread (Http11Processor.checkMaxSwallowSize): the answer still
            // streams beside the upload, and the connection closes only after both
            boolean containerCloses = app.kind().isTomcat() && !chunkedUpload && size > TOMCAT_MAX_SWALLOW;
            assertFullDuplexAnswer(head, echo, echo.withLength() ? size : -1, containerCloses);
            Payload.Digest back;
            try {
                back = Payload.digest(c.body(head, "POST"));
            } catch (IOException e) {
                throw new AssertionError("the echo broke off: " + e + "; the upstream: " + echo.describe()
                        + "; the client's upload: " + upload.awaitEnd(Duration.ZERO), e);
            }
            String uploaded = upload.awaitEnd(WAIT);
            echo.awaitEnd(WAIT, "the upstream reading the body to its end");
            Payload.Digest expected = Payload.digestOf(size, seed);
            assertAll("the upstream: " + echo.describe() + "; the client's upload: " + uploaded,
                    () -> assertEquals(expected, back, "what came back through the proxy"),
                    () -> assertEquals(expected, echo.received(), "what the upstream received"),
                    () -> assertTrue(uploaded.startsWith("wrote all"), "the client's upload did not end"),
                    () -> assertEquals(1, app.upstream().requestCount(), "requests that reached the upstream"));
        }
    }

    /**
     * A full-duplex answer as the client must see it: 200, no {@code Connection: close}, and the upstream's framing:
     * a {@code Content-Length} of {@code length}, or chunked for -1.
     */
    private static void assertFullDuplexAnswer(HttpHead head, EchoAsItReads echo, long length,
                                               boolean containerCloses) {
        assertAll(head + "the upstream: " + echo.describe(),
                () -> assertEquals(200, status(head)),
                () -> assertTrue(containerCloses || !head.connectionTokens().contains("close"), "the answer during "
                        + "the upload was relayed as an early answer that ends the upload (Connection: close)"),
                () -> assertEquals(length, head.contentLength(), "not the upstream's Content-Length"),
                () -> assertEquals(length < 0, head.chunked(), "chunked (or not) unlike the upstream's answer"));
    }

    private static RawRequest upload() {
        return RawRequest.of("POST", PATH).header("Content-Type", "application/octet-stream");
    }

    private static HttpHead head(ClientConnection c, String what, EchoAsItReads echo, Supplier<String> upload) {
        try {
            HttpHead head = c.readHead();
            while (status(head) < 200) {
                head = c.readHead();
            }
            return head;
        } catch (IOException e) {
            throw new AssertionError("no " + what + " (" + e + "); the upstream: " + echo.describe()
                    + "; the client's upload: " + upload.get(), e);
        }
    }

    private static int status(HttpHead head) {
        return Integer.parseInt(head.startLine().split(" ", 3)[1]);
    }

    private static byte[] chunk(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BodyStreams.writeChunk(out, data);
        return out.toByteArray();
    }

    private static byte[] readEcho(InputStream echoes, int length, int n, EchoAsItReads echo) {
        try {
            byte[] got = echoes.readNBytes(length);
            assertEquals(length, got.length, () -> "the answer ended inside the echo of piece " + n);
            return got;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the echo of piece " + n + " did not come back through the proxy within "
                    + ROUND + ": the upstream had it (" + echo.describe() + ") but the proxy did not relay it "
                    + "while the body was still open", e);
        } catch (IOException e) {
            throw new AssertionError("the echo of piece " + n + " broke off: " + e + "; the upstream: "
                    + echo.describe(), e);
        }
    }

    private static int readEnd(InputStream echoes, EchoAsItReads echo) {
        try {
            return echoes.read();
        } catch (IOException e) {
            throw new AssertionError("the answer did not end cleanly after the client's last chunk: " + e
                    + "; the upstream: " + echo.describe(), e);
        }
    }
}
