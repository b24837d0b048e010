package dev.streamproxy.it.upstream;

import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.Upstream;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code retryOnStatus} (route {@code status}: 503, declared as an init-param): a 503 from one target is treated
 * like a failure for an idempotent request, which is answered by another target before anything reached the client;
 * a POST is never repeated, so its 503 (the upstream's own, body and all) is what the client gets.
 */
class RetryOnStatusIT {

    private static final byte[] BUSY = "busy: try another one\n".getBytes(StandardCharsets.US_ASCII);

    @FleetTest
    void aGetAnswered503IsAnsweredByAnotherTarget(FleetApp app) throws Exception {
        AtomicInteger busyAt = new AtomicInteger();
        app.handleAll(Handlers.firstArrival(busyAt::set, RetryOnStatusIT::busy, Upstream::echo));
        long retriesBefore = app.statistics("status").retries();

        RawResponse r = app.send(RawRequest.get("/ctx/status/items/1"));

        assertEquals(200, r.status(), r::toString);
        List<Integer> counts = app.requestCounts();
        assertEquals(2, app.totalRequests(), () -> "requests per upstream: " + counts);
        assertEquals(1, counts.get(busyAt.get() - 1), () -> "requests per upstream: " + counts);
        assertTrue(counts.stream().allMatch(n -> n <= 1), () -> "a target was tried twice: " + counts);
        assertEquals(1, app.statistics("status").retries() - retriesBefore);
    }

    @FleetTest
    void aPostAnswered503GetsThat503(FleetApp app) throws Exception {
        app.handleAll(Handlers.firstArrival(at -> { }, RetryOnStatusIT::busy, Upstream::echo));

        RawResponse r = app.send(RawRequest.of("POST", "/ctx/status/orders").body("order"));

        assertEquals(503, r.status(), r::toString);
        assertEquals(new String(BUSY, StandardCharsets.US_ASCII), r.text(), "the upstream's own 503");
        assertEquals(1, app.totalRequests(), () -> "requests per upstream: " + app.requestCounts());
    }

    private static void busy(Upstream.Exchange ex) throws Exception {
        ex.readAndRecord();
        ex.respond(503, "Service Unavailable", BUSY, "Content-Type: text/plain");
    }
}
