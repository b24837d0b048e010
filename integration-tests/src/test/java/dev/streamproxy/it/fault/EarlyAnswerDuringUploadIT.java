package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An upstream that answers a large upload before it has read it (a 413 after a quarter MiB, a 401 at once), without
 * {@code Expect: 100-continue}, while the client is still writing its 16 MiB body and reading at the same time, as
 * real clients do. The client must get the upstream's own answer, byte for byte, with {@code Connection: close}
 * (the rest of its upload is not read by anyone, so the connection cannot carry another request); the rest of the
 * body is not sent upstream, never as a second request; and no pooled connection stays leased. Three ways the
 * upstream ends: a reset right after the answer (the answer must survive the failing writes that follow), an
 * orderly FIN without reading anything, and reading on until the proxy closes (which shows how much the proxy sent
 * after the answer).
 *
 * <p>What each container does with the unread rest of the upload (does the client's write fail, is its connection
 * closed or reset) is recorded as a finding; the test only requires that the client's write never blocks the test.
 */
class EarlyAnswerDuringUploadIT {

    private static final int BODY = 16 * 1024 * 1024;
    private static final int READ_BEFORE_ANSWER = 256 * 1024;
    private static final byte[] REFUSAL = "too large: at most 256 KiB\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UNAUTHORIZED = "who are you?\n".getBytes(StandardCharsets.US_ASCII);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @FaultTest
    void a413AfterPartOfTheUploadFollowedByAResetIsRelayed(FaultApp app) throws Exception {
        AtomicLong read = new AtomicLong(-1);
        app.upstream().handle(ex -> {
            read.set(ex.body().readNBytes(READ_BEFORE_ANSWER).length);
            ex.respond(413, "Content Too Large", REFUSAL, "X-Upstream-Limit: " + READ_BEFORE_ANSWER);
            ex.reset();
        });

        ClientSide client = upload(app, new CountDownLatch(1));

        Findings.record(app, "early answer during upload", "413 after 256 KiB, then RST", client.finding());
        assertAnswered(app, client, 413, REFUSAL);
        assertEquals(READ_BEFORE_ANSWER, read.get(), "the upstream did not get the first 256 KiB");
    }

    @FaultTest
    void a401BeforeAnyOfTheUploadFollowedByAFinIsRelayed(FaultApp app) throws Exception {
        CountDownLatch clientHasTheAnswer = new CountDownLatch(1);
        AtomicBoolean answeredWhileHeld = new AtomicBoolean();
        CountDownLatch upstreamDone = new CountDownLatch(1);
        app.upstream().handle(ex -> {
            try {
                ex.respond(401, "Unauthorized", UNAUTHORIZED, "WWW-Authenticate: Bearer");
                // FIN, and nothing read: a close() now would be a reset, as the body's first bytes are unread
                ex.socket().shutdownOutput();
                // the connection stays open (its receive buffer filling) until the client has the answer
                answeredWhileHeld.set(Await.quietly(clientHasTheAnswer, WAIT));
            } finally {
                ex.closeAfter();
                upstreamDone.countDown();
            }
        });

        ClientSide client = upload(app, clientHasTheAnswer);

        Await.latch(upstreamDone, WAIT, "the upstream closing its connection");
        Findings.record(app, "early answer during upload", "401 at once, then FIN", client.finding());
        assertAnswered(app, client, 401, UNAUTHORIZED);
        assertEquals("Bearer", client.response().header("WWW-Authenticate"));
        assertTrue(answeredWhileHeld.get(), "the client got the answer only once the upstream had given up and "
                + "closed the connection: the proxy went on writing the body instead of reading the answer");
    }

    @FaultTest
    void a413AfterPartOfTheUploadStopsTheUploadEvenWhenTheUpstreamReadsOn(FaultApp app) throws Exception {
        AtomicLong read = new AtomicLong();
        AtomicReference<String> end = new AtomicReference<>("not ended");
        CountDownLatch drained = new CountDownLatch(1);
        app.upstream().handle(ex -> {
            try {
                InputStream body = ex.body();
                read.set(body.readNBytes(READ_BEFORE_ANSWER).length);
                ex.respond(413, "Content Too Large", REFUSAL, "X-Upstream-Limit: " + READ_BEFORE_ANSWER);
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = body.read(buf)) >= 0; ) {
                    read.addAndGet(n);
                }
                end.set("the whole body arrived");
            } catch (IOException e) {
                end.set("the proxy ended the connection: " + e);
            } finally {
                ex.closeAfter();
                drained.countDown();
            }
        });

        ClientSide client = upload(app, new CountDownLatch(1));
        Await.latch(drained, WAIT, "the upstream seeing the proxy end the upload", read::get);

        Findings.record(app, "early answer during upload", "413 after 256 KiB, upstream reads on",
                client.finding() + "; the upstream read " + read.get() + " bytes in all, then " + end.get());
        assertAnswered(app, client, 413, REFUSAL);
        assertTrue(read.get() < BODY / 4, "the proxy kept uploading after the answer: the upstream read "
                + read.get() + " of " + BODY + " bytes (" + end.get() + ")");
    }

    /** What the client saw: the answer, how its upload ended, and what became of its connection after the answer. */
    private record ClientSide(RawResponse response, String upload, String connection) {
        String finding() {
            return "status " + response.status() + "; client upload: " + upload + "; client connection after the "
                    + "answer: " + connection;
        }
    }

    /**
     * Posts {@value #BODY} bytes from a background writer while reading the response; once the answer is in, counts
     * down {@code clientHasTheAnswer} and waits (bounded) for the writer and the connection to settle.
     */
    private static ClientSide upload(FaultApp app, CountDownLatch clientHasTheAnswer) throws IOException {
        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.of("POST", "/ctx/api/upload").header("Content-Type", "application/octet-stream")
                    .header("Content-Length", Integer.toString(BODY)));
            BackgroundUpload upload = BackgroundUpload.start(c, BODY, 16);
            RawResponse response = c.readResponse("POST");
            clientHasTheAnswer.countDown();
            return new ClientSide(response, upload.awaitEnd(WAIT), afterTheAnswer(c));
        }
    }

    /** @return whether the container closed (FIN), reset or kept open the client's connection after the answer */
    private static String afterTheAnswer(ClientConnection c) {
        try {
            c.socket().setSoTimeout((int) WAIT.toMillis());
            int b = c.socket().getInputStream().read();
            return b < 0 ? "closed (FIN)" : "more bytes after the answer";
        } catch (SocketTimeoutException e) {
            return "still open after " + WAIT.toSeconds() + " s";
        } catch (IOException e) {
            return "reset (" + e.getMessage() + ")";
        }
    }

    private static void assertAnswered(FaultApp app, ClientSide client, int status, byte[] body) {
        RawResponse r = client.response();
        assertAll(r + "\n" + client.finding(),
                () -> assertEquals(status, r.status()),
                () -> assertArrayEquals(body, r.body(), "not the upstream's body, byte for byte"),
                () -> assertTrue(r.head().connectionTokens().contains("close"),
                        "the answer to an upload left unread must end the connection: no Connection: close"),
                () -> assertEquals(1, app.upstream().requestCount(),
                        "the rest of the upload reached the upstream as another request"));
    }
}
