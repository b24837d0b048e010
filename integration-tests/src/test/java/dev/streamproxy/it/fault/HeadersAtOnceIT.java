package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.BodyStreams;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.RawRequest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status line and headers reach the client as soon as the upstream has sent them, before any body byte exists:
 * a token stream whose first token is seconds away (an inference server's prefill) shows its status at once, and a
 * client with a header timeout keeps waiting. Proven by causality, not timing: the upstream sends its head and then
 * waits until the test, having received that head on the client's side, lets it send the body. A proxy that held
 * the head until the first body byte would leave the client without a head and the upstream waiting, which the
 * upstream's bounded wait turns into a failure instead of a hang. Both an event stream (chunked) and a
 * {@code Content-Length} response are checked.
 */
class HeadersAtOnceIT {

    private static final Duration EVIDENCE_WAIT = Duration.ofSeconds(10);
    private static final byte[] EVENT = "id: 1\ndata: first token\n\n".getBytes(StandardCharsets.US_ASCII);

    @FaultTest
    void anEventStreamsHeadArrivesBeforeItsFirstEvent(FaultApp app) throws Exception {
        HttpHead head = headThenBodyOnRelease(app, "/ctx/api/events",
                new String[] {"Content-Type: text/event-stream", "Cache-Control: no-cache",
                        "Transfer-Encoding: chunked"},
                out -> {
                    BodyStreams.writeChunk(out, EVENT);
                    BodyStreams.writeLastChunk(out);
                });

        assertEquals("text/event-stream", head.first("Content-Type").split(";")[0].strip(), head::toString);
    }

    @FaultTest
    void aContentLengthResponsesHeadArrivesBeforeItsBody(FaultApp app) throws Exception {
        HttpHead head = headThenBodyOnRelease(app, "/ctx/api/answer",
                new String[] {"Content-Type: application/octet-stream", "Content-Length: " + EVENT.length},
                out -> out.write(EVENT));

        assertEquals(EVENT.length, head.contentLength(), head::toString);
    }

    /** The body the upstream writes once released. */
    @FunctionalInterface
    private interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * The upstream sends a 200 head with {@code headers}, then waits for the release; the client must receive the
     * head while the upstream still waits; then the body follows and the response completes with exactly
     * {@link #EVENT}.
     *
     * @return the head the client received
     */
    private static HttpHead headThenBodyOnRelease(FaultApp app, String target, String[] headers, BodyWriter body)
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean releasedByTheClient = new AtomicBoolean();
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", headers);
            ex.out().flush();
            // true only when the test released it, i.e. the client already had the head
            releasedByTheClient.set(Await.quietly(release, EVIDENCE_WAIT));
            body.write(ex.out());
            ex.out().flush();
        });

        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.get(target));
            HttpHead head = c.readHead();
            release.countDown();
            // the body is written after the upstream's wait ended, so once it is here the wait's outcome is known
            byte[] received = c.body(head, "GET").readAllBytes();

            assertAll(head.toString(),
                    () -> assertEquals("200", head.startLine().split(" ", 3)[1]),
                    () -> assertTrue(releasedByTheClient.get(),
                            "the client got the head only after the upstream had given up waiting and sent the "
                                    + "body: the proxy held the head back until the first body byte"),
                    () -> assertArrayEquals(EVENT, received));
            return head;
        }
    }
}
