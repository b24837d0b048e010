package dev.streamproxy.it.upstream;

import dev.streamproxy.TargetStatistics;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.Upstream;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a route spreads its exchanges over three targets, for each {@code loadBalancing} policy, counted where they
 * land: on three real upstreams (127.0.0.1, .2 and .3), and in the route's statistics.
 *
 * <ul>
 * <li>round-robin is exact: 300 requests, 100 on each target;</li>
 * <li>random and least-in-flight (one request at a time, so every target is idle when chosen) are random draws, held
 *     to a bound no fair draw misses: every target gets at least 10% of 300 (a third is 100; 30 or fewer is more
 *     than eight standard deviations below);</li>
 * <li>least-in-flight avoids a slow target under concurrent load: with 8 clients, a target that holds each exchange
 *     until 50 exchanges of the others have been served gets under 20% (a policy blind to load gives it a third).
 *     The slowness is counted in the others' exchanges, not in milliseconds, so the bound does not depend on the
 *     machine's speed.</li>
 * </ul>
 */
class LoadBalancingIT {

    private static final int REQUESTS = 300;

    @FleetTest
    void roundRobinSendsExactlyAsManyExchangesToEachTarget(FleetApp app) throws Exception {
        List<Long> before = exchanges(app, "rr");

        sendOneAfterTheOther(app, "rr", REQUESTS);

        assertEquals(List.of(100, 100, 100), app.requestCounts(), "requests per upstream 127.0.0.1, .2, .3");
        assertEquals(List.of(100L, 100L, 100L), minus(exchanges(app, "rr"), before), "exchanges per target");
    }

    @FleetTest
    void randomGivesEveryTargetAFairShare(FleetApp app) throws Exception {
        sendOneAfterTheOther(app, "random", REQUESTS);

        assertFairShares(app);
    }

    @FleetTest
    void leastInFlightGivesEveryTargetAFairShareWhenAllAreIdle(FleetApp app) throws Exception {
        sendOneAfterTheOther(app, "lif", REQUESTS);

        assertFairShares(app);
    }

    @FleetTest
    void leastInFlightGivesASlowTargetFewExchangesUnderConcurrentLoad(FleetApp app) throws Exception {
        int clients = 8;
        int total = 400;
        SlowTarget slow = new SlowTarget(clients, 50);
        app.upstream(1).handle(slow::fast);
        app.upstream(2).handle(slow::fast);
        app.upstream(3).handle(slow::slow);
        AtomicInteger claimed = new AtomicInteger();
        Queue<String> errors = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                running.add(pool.submit(() -> {
                    try (KeepAliveClient client = app.client()) {
                        for (int n; (n = claimed.incrementAndGet()) <= total; ) {
                            RawResponse r = client.send(RawRequest.get("/ctx/lif/work?n=" + n));
                            if (r.status() != 200) {
                                errors.add(r.toString());
                            }
                        }
                    } finally {
                        slow.releaseAll(); // every request is out: nothing is left to wait for
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(45, TimeUnit.SECONDS);
            }
        } finally {
            slow.releaseAll();
            pool.shutdownNow();
        }

        assertTrue(errors.isEmpty(), () -> "client errors: " + errors);
        assertEquals(total, app.totalRequests(), () -> "requests per upstream: " + app.requestCounts());
        int toSlow = app.upstream(3).requestCount();
        assertTrue(toSlow * 5 < total, () -> "the slow target 127.0.0.3 got " + toSlow + " of " + total
                + " exchanges, 20% or more; requests per upstream: " + app.requestCounts());
    }

    private static void sendOneAfterTheOther(FleetApp app, String route, int n) throws IOException {
        try (KeepAliveClient client = app.client()) {
            for (int i = 0; i < n; i++) {
                RawResponse r = client.send(RawRequest.get("/ctx/" + route + "/item?i=" + i));
                assertEquals(200, r.status(), r::toString);
            }
        }
    }

    private static void assertFairShares(FleetApp app) {
        List<Integer> counts = app.requestCounts();
        assertEquals(REQUESTS, app.totalRequests(), () -> "requests per upstream: " + counts);
        for (int c : counts) {
            assertTrue(c >= REQUESTS / 10, () -> "a target got less than 10% of " + REQUESTS + ": " + counts);
        }
    }

    /** @return each target's exchanges since start, for 127.0.0.1, .2, .3 */
    private static List<Long> exchanges(FleetApp app, String route) {
        List<Long> result = new ArrayList<>();
        for (int o = 1; o <= 3; o++) {
            TargetStatistics t = app.target(route, o);
            result.add(t.exchanges());
        }
        return result;
    }

    private static List<Long> minus(List<Long> after, List<Long> before) {
        List<Long> result = new ArrayList<>();
        for (int i = 0; i < after.size(); i++) {
            result.add(after.get(i) - before.get(i));
        }
        return result;
    }

    /**
     * Two fast upstreams and a slow one whose slowness is measured in the fast ones' work: it holds each exchange
     * until {@code slowness} more exchanges have been served by the others. It lets go early only when every client
     * is waiting on it (nothing else could ever be served: only a policy blind to load gets there) or when
     * {@link #releaseAll} says the run is over, and after 20 s at the very most.
     */
    private static final class SlowTarget {
        private final int clients;
        private final int slowness;
        private int fastServed;
        private int held;
        private boolean released;

        SlowTarget(int clients, int slowness) {
            this.clients = clients;
            this.slowness = slowness;
        }

        void fast(Upstream.Exchange ex) throws IOException {
            Upstream.echo(ex);
            synchronized (this) {
                fastServed++;
                notifyAll();
            }
        }

        void slow(Upstream.Exchange ex) throws Exception {
            synchronized (this) {
                int until = fastServed + slowness;
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                held++;
                notifyAll();
                while (fastServed < until && !released && held < clients && System.nanoTime() < deadline) {
                    wait(100);
                }
                held--;
            }
            Upstream.echo(ex);
        }

        synchronized void releaseAll() {
            released = true;
            notifyAll();
        }
    }
}
