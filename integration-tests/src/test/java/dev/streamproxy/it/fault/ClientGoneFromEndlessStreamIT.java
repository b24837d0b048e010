package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.BodyStreams;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.RawRequest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that goes away (an orderly close, not a reset) while the upstream streams an endless or slow event stream:
 * the proxy notices at its next write to the client and closes the upstream connection, so the upstream sees its own
 * write fail within a few events - the stream is cancelled, not drained to its end, and no connection stays leased.
 */
class ClientGoneFromEndlessStreamIT {

    private static final int BOUND = 3000; // events; an endless stream, bounded so a bug cannot run for ever

    @FaultTest
    void aClientThatLeavesAFastEndlessStreamCancelsTheUpstream(FaultApp app) throws Exception {
        leaveStream(app, 10, 200);
    }

    @FaultTest
    void aClientThatLeavesASlowStreamCancelsTheUpstreamAtItsNextEvent(FaultApp app) throws Exception {
        leaveStream(app, 400, 10);
    }

    private static void leaveStream(FaultApp app, long everyMs, int maxEventsAfterLeaving) throws Exception {
        AtomicInteger written = new AtomicInteger();
        CountDownLatch writeFailed = new CountDownLatch(1);
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Type: text/event-stream", "Transfer-Encoding: chunked");
            try {
                while (written.get() < BOUND) {
                    BodyStreams.writeChunk(ex.out(), ("data: " + written.get() + "\n\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    ex.out().flush();
                    written.incrementAndGet();
                    Thread.sleep(everyMs);
                }
                BodyStreams.writeLastChunk(ex.out());
            } catch (IOException e) {
                writeFailed.countDown();
                ex.closeAfter();
            }
        });

        int atLeaving;
        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.get("/ctx/api/events").header("Accept", "text/event-stream"));
            HttpHead head = c.readHead();
            assertEquals("200", head.startLine().split(" ")[1], head::toString);
            InputStream body = c.body(head, "GET");
            String seen = "";
            while (!seen.contains("data: 2\n\n")) {
                byte[] buf = new byte[256];
                int n = body.read(buf);
                assertTrue(n > 0, "stream ended early");
                seen += new String(buf, 0, n, StandardCharsets.US_ASCII);
            }
            atLeaving = written.get();
        } // an orderly close (FIN)

        Await.latch(writeFailed, Duration.ofSeconds(15), "the upstream's write failing after the client left",
                () -> written.get() + " events written");
        int after = written.get() - atLeaving;
        assertTrue(after <= maxEventsAfterLeaving, "the upstream could write " + after
                + " more events after the client left: the proxy did not cancel it promptly");
    }
}
