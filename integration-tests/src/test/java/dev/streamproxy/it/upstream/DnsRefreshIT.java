package dev.streamproxy.it.upstream;

import dev.streamproxy.TargetState;
import dev.streamproxy.TargetStatistics;
import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.Upstream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Targets follow DNS while traffic flows. Route {@code dns} targets {@code http://fleet.test:P/svc}, a name only the
 * test's resolver knows, re-resolved every 200 ms; the fleet listens on port P of 127.0.0.1, .2 and .3. With the name
 * on .1 and .2 and two clients sending requests in a loop, one exchange is held open on .2; the name then moves to
 * .1 and .3. No client sees an error; .3 becomes a target and gets requests; .2 is DRAINING, keeps its held exchange
 * and gets no new one; once that exchange ends, .2 is gone from the statistics.
 */
class DnsRefreshIT {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @FleetTest
    void anAddressThatAppearsGetsRequestsAndOneThatLeavesDrainsWithoutAClientError(FleetApp app) throws Exception {
        Upstream a = app.upstream(1);
        Upstream b = app.upstream(2);
        Upstream c = app.upstream(3);
        Await.until(DEADLINE, "the dns route on 127.0.0.1 and .2", () -> targets(app).size() == 2
                && healthy(app.target("dns", 1)) && healthy(app.target("dns", 2)), () -> targets(app));
        CountDownLatch heldOnB = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        a.handle(ex -> answerHoldOrEcho(ex, "not here"));
        b.handle(ex -> {
            if (ex.target().endsWith("/hold")) {
                heldOnB.countDown();
                Await.quietly(release, Duration.ofSeconds(30));
            }
            answerHoldOrEcho(ex, "held");
        });

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        Queue<String> errors = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> loops = List.of(threads.submit(() -> loop(app, stop, served, errors)),
                    threads.submit(() -> loop(app, stop, served, errors)));
            Future<RawResponse> hold = threads.submit(() -> holdOnB(app));
            Await.latch(heldOnB, DEADLINE, "an exchange held open on 127.0.0.2");
            Await.until(DEADLINE, "traffic on 127.0.0.1 and .2", () -> a.requestCount() >= 10
                    && b.requestCount() >= 10, app::requestCounts);

            app.dns().answer(1, 3);

            Await.until(DEADLINE, "127.0.0.3 a target, 127.0.0.2 draining with only its held exchange",
                    () -> healthy(app.target("dns", 3)) && draining(app.target("dns", 2))
                            && app.target("dns", 2).inFlight() == 1, () -> targets(app));
            int toBWhileDraining = b.requestCount();
            Await.until(DEADLINE, "requests on 127.0.0.3", () -> c.requestCount() >= 20, app::requestCounts);
            assertEquals(toBWhileDraining, b.requestCount(), "a draining target got a new exchange");
            assertTrue(draining(app.target("dns", 2)), () -> "gone while its exchange was held: " + targets(app));

            release.countDown();
            RawResponse held = hold.get(10, TimeUnit.SECONDS);
            assertEquals(200, held.status(), held::toString);
            assertEquals("held", held.text());
            Await.until(DEADLINE, "127.0.0.2 gone once drained", () -> app.target("dns", 2) == null,
                    () -> targets(app));
            int servedBeforeStop = served.get();
            Await.until(DEADLINE, "more requests served after the removal", () -> served.get() >= servedBeforeStop + 20,
                    served::get);
            stop.set(true);
            for (Future<?> f : loops) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            stop.set(true);
            release.countDown();
            threads.shutdownNow();
        }

        assertTrue(errors.isEmpty(), () -> "client errors: " + errors);
        assertEquals(List.of("127.0.0.1", "127.0.0.3"),
                targets(app).stream().map(t -> t.address().replaceFirst(":.*", "")).toList());
    }

    /** Two clients' traffic: GETs one after the other until told to stop; anything but 200 is an error. */
    private static Void loop(FleetApp app, AtomicBoolean stop, AtomicInteger served, Queue<String> errors)
            throws Exception {
        try (KeepAliveClient client = app.client()) {
            for (int i = 0; !stop.get(); i++) {
                RawResponse r = client.send(RawRequest.get("/ctx/dns/loop?i=" + i));
                if (r.status() != 200) {
                    errors.add(r.toString());
                }
                served.incrementAndGet();
            }
        }
        return null;
    }

    /** Sends {@code /hold} until it lands on 127.0.0.2, where it is held; 127.0.0.1 answers it at once. */
    private static RawResponse holdOnB(FleetApp app) throws Exception {
        for (int i = 0; i < 50; i++) {
            RawResponse r = app.send(RawRequest.get("/ctx/dns/hold"));
            if (r.status() != 200 || !r.text().equals("not here")) {
                return r;
            }
        }
        throw new AssertionError("50 requests never landed on 127.0.0.2");
    }

    private static void answerHoldOrEcho(Upstream.Exchange ex, String holdAnswer) throws Exception {
        if (ex.target().endsWith("/hold")) {
            ex.readAndRecord();
            ex.respond(200, "OK", holdAnswer.getBytes(StandardCharsets.US_ASCII), "Content-Type: text/plain");
        } else {
            Upstream.echo(ex);
        }
    }

    private static List<TargetStatistics> targets(FleetApp app) {
        return app.statistics("dns").targets();
    }

    private static boolean healthy(TargetStatistics t) {
        return t != null && t.state() == TargetState.HEALTHY;
    }

    private static boolean draining(TargetStatistics t) {
        return t != null && t.state() == TargetState.DRAINING;
    }
}
