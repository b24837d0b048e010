package dev.streamproxy.it.upstream;

import dev.streamproxy.RouteStatistics;
import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.Upstream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Admission control ({@code maxConcurrentRequests}, route {@code admit}: 2, declared as an init-param): with two
 * exchanges held open by the upstreams, a third request is shed at once with 503 and {@code Retry-After: 1}, before
 * any upstream sees it (it is answered while the two are still held, and the fleet's request count does not move);
 * once the two are released, they complete and the next request goes through.
 */
class AdmissionIT {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @FleetTest
    void pastMaxConcurrentRequestsTheExcessGets503AtOnceWithoutReachingAnUpstream(FleetApp app) throws Exception {
        CountDownLatch bothHeld = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        app.handleAll(ex -> {
            if (ex.target().endsWith("/hold")) {
                ex.readAndRecord();
                bothHeld.countDown();
                Await.quietly(release, Duration.ofSeconds(30));
                ex.respond(200, "OK", "held".getBytes(StandardCharsets.US_ASCII));
            } else {
                Upstream.echo(ex);
            }
        });
        long shedBefore = app.statistics("admit").shed();

        ExecutorService clients = Executors.newFixedThreadPool(2);
        List<Future<RawResponse>> held;
        RawResponse third;
        try {
            held = List.of(clients.submit(() -> app.send(RawRequest.get("/ctx/admit/hold"))),
                    clients.submit(() -> app.send(RawRequest.get("/ctx/admit/hold"))));
            Await.latch(bothHeld, DEADLINE, "two exchanges held by the upstreams", app::requestCounts);

            third = app.send(RawRequest.get("/ctx/admit/third"));

            assertEquals(2, app.totalRequests(), () -> "the shed request reached an upstream: "
                    + app.requestCounts());
            RouteStatistics during = app.statistics("admit");
            assertEquals(2, during.inFlight(), during::toString);
        } finally {
            release.countDown();
            clients.shutdown();
        }
        assertEquals(503, third.status(), third::toString);
        assertEquals("1", third.header("Retry-After"), third::toString);
        // counted once the answer is out, so possibly a moment after the client has it
        Await.until(DEADLINE, "the shed request counted", () -> app.statistics("admit").shed() == shedBefore + 1,
                () -> app.statistics("admit"));
        for (Future<RawResponse> f : held) {
            RawResponse r = f.get(10, TimeUnit.SECONDS);
            assertEquals(200, r.status(), r::toString);
            assertEquals("held", r.text());
        }

        // an exchange leaves the admission count once its answer is out, possibly a moment after the client has it
        Await.until(DEADLINE, "both held exchanges ended", () -> app.statistics("admit").inFlight() == 0,
                () -> app.statistics("admit"));
        RawResponse next = app.send(RawRequest.get("/ctx/admit/next"));
        assertEquals(200, next.status(), next::toString);
        assertEquals(3, app.totalRequests(), () -> "requests per upstream: " + app.requestCounts());
    }
}
