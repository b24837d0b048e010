package dev.streamproxy.it.upstream;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.Upstream;

import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The retry table of the README for a request that reached an upstream which then reset the connection before any
 * response head, on route {@code retry} (three targets, maxRetries 2, retryBufferSize 64 KiB):
 *
 * <ul>
 * <li>a POST may have been processed: 502, and the fleet saw it exactly once;</li>
 * <li>a GET is tried again on another target, which answers 200;</li>
 * <li>a small PUT (all of its body in the replay window) is tried again, and the second target receives the
 *     identical body (SHA-256);</li>
 * <li>a PUT larger than the window is not (502, the fleet saw it once), even with retries on, and it was streamed,
 *     not spooled to make it replayable: the upstream had its first bytes before the client sent its last (the
 *     client sends the rest only once the upstream said it received the start).</li>
 * </ul>
 * Which target resets is decided by arrival, not by address: the first request to reach any upstream of the fleet,
 * so the tests do not depend on the policy's order.
 */
class RetrySafetyIT {

    @FleetTest
    void aPostTheUpstreamReadAndThenResetGets502AndReachedTheFleetOnce(FleetApp app) throws Exception {
        AtomicReference<Payload.Digest> received = new AtomicReference<>();
        app.handleAll(ex -> {
            received.set(ex.readAndRecord().digest());
            ex.reset();
        });
        byte[] body = Payload.bytes(4096, 1);

        RawResponse r = app.send(RawRequest.of("POST", "/ctx/retry/orders").body(body));

        assertEquals(502, r.status(), r::toString);
        assertEquals(1, app.totalRequests(), () -> "a POST that may have been processed was sent again: "
                + app.requestCounts());
        assertEquals(Payload.digest(body), received.get(), "the upstream read the whole POST before the reset");
    }

    @FleetTest
    void aGetResetBeforeTheHeadIsAnsweredByAnotherTarget(FleetApp app) throws Exception {
        AtomicInteger resetAt = new AtomicInteger();
        app.handleAll(Handlers.firstArrival(resetAt::set, Upstream.Exchange::reset, Upstream::echo));

        RawResponse r = app.send(RawRequest.get("/ctx/retry/items/1"));

        assertEquals(200, r.status(), r::toString);
        assertEquals("GET", r.header("X-Echo-Method"));
        assertTriedOnceOnTwoTargets(app, resetAt.get());
    }

    @FleetTest
    void aSmallPutResetBeforeTheHeadIsReplayedWholeOnAnotherTarget(FleetApp app) throws Exception {
        byte[] body = Payload.bytes(32 * 1024, 7); // half the replay window
        AtomicInteger resetAt = new AtomicInteger();
        AtomicReference<Payload.Digest> firstGot = new AtomicReference<>();
        app.handleAll(Handlers.firstArrival(resetAt::set, ex -> {
            firstGot.set(ex.readAndRecord().digest());
            ex.reset();
        }, Upstream::echo));

        RawResponse r = app.send(RawRequest.of("PUT", "/ctx/retry/docs/1").body(body));

        assertEquals(200, r.status(), r::toString);
        assertEquals(Payload.digest(body), firstGot.get(), "the first target read the whole body before its reset");
        assertEquals(Integer.toString(body.length), r.header("X-Echo-Length"), "what the second target received");
        assertEquals(Payload.digest(body).sha256(), r.header("X-Echo-Sha256"), "what the second target received");
        assertTriedOnceOnTwoTargets(app, resetAt.get());
    }

    @FleetTest
    void aPutLargerThanTheReplayWindowIsStreamedAndNotRetried(FleetApp app) throws Exception {
        int size = 1024 * 1024;
        long seed = 11;
        int firstPart = 256 * 1024;
        int signalAt = 2 * FleetApp.RETRY_WINDOW; // past the window: the copy kept for a retry is gone by then
        CountDownLatch upstreamHasTheStart = new CountDownLatch(1);
        AtomicReference<Payload.Digest> received = new AtomicReference<>();
        app.handleAll(ex -> {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            InputStream in = ex.body();
            byte[] buf = new byte[16 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) >= 0; ) {
                md.update(buf, 0, n);
                total += n;
                if (total >= signalAt) {
                    upstreamHasTheStart.countDown();
                }
            }
            received.set(new Payload.Digest(total, HexFormat.of().formatHex(md.digest())));
            ex.reset(); // the whole body was read; no response head
        });

        RawResponse r;
        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.of("PUT", "/ctx/retry/blobs/1").header("Content-Length", Integer.toString(size)));
            InputStream payload = Payload.stream(size, seed);
            c.write(payload.readNBytes(firstPart));
            Await.latch(upstreamHasTheStart, Duration.ofSeconds(10),
                    "the upstream receiving " + signalAt + " body bytes while the client held back its last "
                            + (size - firstPart));
            c.write(payload.readAllBytes());
            r = c.readResponse("PUT");
        }

        assertEquals(502, r.status(), r::toString);
        assertEquals(1, app.totalRequests(), () -> "a body no longer held whole was sent again: "
                + app.requestCounts());
        assertEquals(Payload.digestOf(size, seed), received.get(), "what the one upstream received");
    }

    /** One try reached the target that reset, one reached another: two requests, on two upstreams. */
    private static void assertTriedOnceOnTwoTargets(FleetApp app, int resetAt) {
        List<Integer> counts = app.requestCounts();
        assertEquals(2, app.totalRequests(), () -> "requests per upstream: " + counts);
        assertEquals(1, counts.get(resetAt - 1), () -> "127.0.0." + resetAt + " reset; requests per upstream: "
                + counts);
        assertTrue(counts.stream().allMatch(c -> c <= 1), () -> "a target was tried twice: " + counts);
        assertNotEquals(0, resetAt);
    }
}
