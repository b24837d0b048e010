package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RawRequest;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that promises more body than it sends never becomes a complete upstream request: whether it closes
 * cleanly, resets, or stalls first, the upstream sees an incomplete body and then its connection closed or reset.
 * (A proxy that treated the client's end-of-stream as the end of the body would let the upstream read a short body
 * as whole, or pad it.)
 */
class ShortRequestBodyIT {

    private static final Duration OBSERVE = Duration.ofSeconds(10);
    private static final int PROMISED = 1024 * 1024;
    private static final int SENT = 100 * 1024;
    private static final int ATTEMPTS = 5;

    @FaultTest
    void aClientThatClosesBeforeSendingItsWholeContentLengthAbortsTheUpstreamRequest(FaultApp app) throws Exception {
        UploadWatch watch = UploadWatch.on(app.upstream());
        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.of("POST", "/ctx/api/short").header("Content-Length", Integer.toString(PROMISED)));
            c.write(Payload.bytes(SENT, 1));
            watch.awaitStarted(OBSERVE);
            c.socket().shutdownOutput(); // an orderly FIN: the client says it has nothing more to send
            c.socket().getInputStream().read(new byte[1024]); // whatever the container answers, or its close
        } catch (java.io.IOException expected) {
            // the container may reset the connection
        }
        String outcome = watch.awaitEnd(OBSERVE);
        assertTrue(outcome.startsWith("failed"), "the upstream must see the request fail, not complete: " + outcome);
    }

    @FaultTest
    void aClientThatResetsMidBodyAbortsTheUpstreamRequest(FaultApp app) throws Exception {
        UploadWatch watch = UploadWatch.on(app.upstream());
        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.of("PUT", "/ctx/api/short").header("Content-Length", Integer.toString(PROMISED)));
            c.write(Payload.bytes(SENT, 2));
            watch.awaitStarted(OBSERVE);
            c.abort();
        }
        String outcome = watch.awaitEnd(OBSERVE);
        assertTrue(outcome.startsWith("failed"), "the upstream must see the request fail, not complete: " + outcome);
    }

    @FaultTest
    void aClientThatStallsMidBodyHoldsTheUpstreamRequestIncompleteUntilItGoesAway(FaultApp app) throws Exception {
        UploadWatch watch = UploadWatch.on(app.upstream());
        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.of("POST", "/ctx/api/stall").header("Content-Length", Integer.toString(PROMISED)));
            c.write(Payload.bytes(SENT, 3));
            watch.awaitStarted(OBSERVE);
            Thread.sleep(1500); // a stalled client: the exchange must wait, neither complete nor pad the body
            assertFalse(watch.ended(), "the upstream request ended while the client stalled: " + watch.outcome.get());
            c.socket().shutdownOutput();
        }
        String outcome = watch.awaitEnd(OBSERVE);
        assertTrue(outcome.startsWith("failed"), "the upstream must see the request fail, not complete: " + outcome);
    }

    @FaultTest
    void aChunkedBodyCutOffBeforeItsLastChunkAbortsTheUpstreamRequest(FaultApp app) throws Exception {
        // whether the upstream can still read a wrongly sent last chunk before the proxy's reset arrives is a race,
        // so the scenario is repeated: any attempt that completes upstream proves the body was ended as if whole
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            UploadWatch watch = UploadWatch.on(app.upstream());
            try (ClientConnection c = app.connect()) {
                c.send(RawRequest.of("POST", "/ctx/api/chunks").header("Transfer-Encoding", "chunked"));
                byte[] data = Payload.bytes(SENT, 4);
                c.write(Integer.toHexString(data.length) + "\r\n");
                c.write(data);
                c.write("\r\n");
                watch.awaitStarted(OBSERVE);
                c.socket().shutdownOutput(); // FIN without the terminating 0-size chunk
                c.socket().getInputStream().read(new byte[1024]);
            } catch (java.io.IOException expected) {
                // the container may reset the connection
            }
            String outcome = watch.awaitEnd(OBSERVE);
            int n = attempt;
            assertTrue(outcome.startsWith("failed"), () -> "attempt " + n + ": the upstream must see the request "
                    + "fail, but read a complete one (" + outcome + "): the proxy ended the cut-off chunked body");
            app.awaitNoLeasedConnections(Duration.ofSeconds(5));
        }
    }
}
