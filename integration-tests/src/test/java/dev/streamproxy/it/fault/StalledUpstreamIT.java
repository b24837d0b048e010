package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.RawRequest;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An upstream that stalls, on the {@code slow} route (responseTimeout 500ms): no status line gives 504 (nothing was
 * committed yet). A head is relayed as soon as it arrives, before any body byte (see {@link HeadersAtOnceIT}), so a
 * head followed by no body byte, like a body that stops half-way, aborts the client connection: the client has the
 * status, and a response that can never look complete (never an empty 200).
 */
class StalledUpstreamIT {

    private static final Duration HOLD = Duration.ofSeconds(20);

    @FaultTest
    void noStatusLineWithinTheResponseTimeoutGives504(FaultApp app) throws Exception {
        stall(app, ex -> {
        }, v -> assertEquals(504, v.status(), v::toString));
    }

    @FaultTest
    void aHeadFollowedByNoBodyByteIsRelayedThenAbortedNotAnEmpty200(FaultApp app) throws Exception {
        stall(app, ex -> {
            ex.writeHead(200, "OK", "Content-Type: text/plain", "Content-Length: 10");
            ex.out().flush();
        }, v -> {
            assertEquals(200, v.status(), v::toString);
            assertTrue(v.broken(), "the client must see a broken response: " + v);
        });
    }

    @FaultTest
    void aBodyThatStopsHalfWayAbortsTheClientConnection(FaultApp app) throws Exception {
        stall(app, ex -> {
            ex.writeHead(200, "OK", "Content-Type: text/plain", "Content-Length: 10");
            ex.out().write("hello".getBytes());
            ex.out().flush();
        }, v -> assertTrue(v.broken(), "the client must see a broken response: " + v));
    }

    private interface Step {
        void run(dev.streamproxy.it.support.Upstream.Exchange ex) throws Exception;
    }

    private interface Check {
        void check(ClientView v);
    }

    private static void stall(FaultApp app, Step before, Check check) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            before.run(ex);
            Await.quietly(release, HOLD);
            ex.closeAfter();
        });
        try {
            check.check(ClientView.of(app, RawRequest.get("/ctx/slow/stall")));
        } finally {
            release.countDown();
        }
    }
}
