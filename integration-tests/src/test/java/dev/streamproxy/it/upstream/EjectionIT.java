package dev.streamproxy.it.upstream;

import dev.streamproxy.TargetState;
import dev.streamproxy.TargetStatistics;
import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.Upstream;

import java.io.IOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Passive health, watched through {@code ProxyFilter.statistics()} and the upstreams' own request counts while time
 * passes (polled with a deadline, never slept through):
 *
 * <ul>
 * <li>route {@code eject} (127.0.0.1 and a spare 127.0.0.4 with nothing listening, round-robin, maxFails 2,
 *     failTimeout 1 s): two refusals in a row eject the spare; while ejected it gets no exchange; once the
 *     failTimeout has passed it gets one trial; the trial fails and ejects it again at once (ejections 2), for twice
 *     as long; an upstream is then started on its port, the next trial succeeds and the target is HEALTHY and back in
 *     the rotation. The clients get 200 throughout;</li>
 * <li>route {@code allejected} (a spare 127.0.0.8 and a dead 127.0.0.5, maxFails 1, failTimeout 1 min): with both
 *     ejected, requests are still tried (502 from the refusals, not a refusal of the proxy's own), and once the spare
 *     is listening a request succeeds on it although it is still ejected.</li>
 * </ul>
 */
class EjectionIT {

    private static final int SPARE = 4;
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    @FleetTest
    void aTargetIsEjectedAfterMaxFailsTriedAfterTheFailTimeoutAndBackOnceItAnswers(FleetApp app) throws Exception {
        long failTimeout = FleetApp.EJECT_FAIL_TIMEOUT.toNanos();
        Probe probe = new Probe(app);

        // two refusals in a row: ejected, no earlier than the start of the request that was refused the second time
        for (int i = 0; spare(app).failures() < 2; i++) {
            assertTrue(i < 10, () -> "the spare was not tried twice in 10 requests: " + spare(app));
            probe.get();
        }
        long ejectedAtOrAfter = probe.lastTryStart;
        TargetStatistics ejected = spare(app);
        assertEquals(TargetState.EJECTED, ejected.state(), ejected::toString);
        assertEquals(1, ejected.ejections(), ejected::toString);
        assertEquals(2, ejected.exchanges(), ejected::toString);

        // while ejected: no exchange (unless this machine was so slow that the failTimeout passed meanwhile)
        for (int i = 0; i < 10; i++) {
            probe.get();
        }
        boolean withinFailTimeout = System.nanoTime() - ejectedAtOrAfter < failTimeout;
        TargetStatistics meanwhile = spare(app);
        assertTrue(meanwhile.exchanges() == 2 || !withinFailTimeout && meanwhile.exchanges() == 3,
                () -> "an ejected target was tried within its failTimeout: " + meanwhile);

        // after the failTimeout: one trial, which fails and ejects it again at once, for twice as long
        Await.until(DEADLINE, "the trial of the ejected spare", () -> spare(app).exchanges() == 3 || probe.get(),
                () -> spare(app));
        TargetStatistics failedTrial = spare(app);
        assertEquals(3, failedTrial.exchanges(), () -> "one trial: " + failedTrial);
        assertEquals(TargetState.EJECTED, failedTrial.state(), failedTrial::toString);
        assertEquals(2, failedTrial.ejections(), () -> "a failed trial ejects again at once: " + failedTrial);
        assertEquals(3, failedTrial.failures(), failedTrial::toString);
        long firstEjection = probe.lastTryEnd - ejectedAtOrAfter;
        assertTrue(firstEjection >= failTimeout * 9 / 10,
                () -> "the trial came " + Duration.ofNanos(firstEjection) + " after the ejection");
        long reEjectedAtOrAfter = probe.lastTryStart;

        // the upstream is back: the next trial (after twice the failTimeout) succeeds
        try (Upstream back = app.startSpare(SPARE)) {
            Await.until(DEADLINE, "the spare HEALTHY again", () -> probe.get()
                    && spare(app).state() == TargetState.HEALTHY, () -> spare(app));
            TargetStatistics healthy = spare(app);
            assertEquals(1, back.requestCount(), "the successful trial reached the upstream");
            assertEquals(4, healthy.exchanges(), healthy::toString);
            assertEquals(2, healthy.ejections(), healthy::toString);
            long secondEjection = probe.lastTryEnd - reEjectedAtOrAfter;
            assertTrue(secondEjection >= 2 * failTimeout * 9 / 10,
                    () -> "the second trial came " + Duration.ofNanos(secondEjection) + " after the re-ejection");

            for (int i = 0; i < 6; i++) {
                probe.get();
            }
            assertTrue(back.requestCount() >= 1 + 2, () -> "back in the rotation, the spare got "
                    + (back.requestCount() - 1) + " of 6 requests");
        }
    }

    @FleetTest
    void whenEveryTargetIsEjectedRequestsAreStillTried(FleetApp app) throws Exception {
        int spare = 8;
        RawResponse first = app.send(RawRequest.get("/ctx/allejected/x"));
        assertEquals(502, first.status(), first::toString);
        assertEquals(TargetState.EJECTED, app.target("allejected", spare).state());
        assertEquals(TargetState.EJECTED, app.target("allejected", FleetApp.DEAD).state());

        long triesBefore = triesOfAllejected(app);
        RawResponse stillDown = app.send(RawRequest.get("/ctx/allejected/x"));
        assertEquals(502, stillDown.status(), () -> "not tried, or refused by the proxy itself: " + stillDown);
        assertTrue(triesOfAllejected(app) > triesBefore, "with every target ejected, nothing was tried");

        try (Upstream back = app.startSpare(spare)) {
            RawResponse r = app.send(RawRequest.get("/ctx/allejected/x"));

            assertEquals(200, r.status(), r::toString);
            assertEquals(1, back.requestCount());
            assertEquals(TargetState.HEALTHY, app.target("allejected", spare).state(),
                    () -> "a success ends the ejection: " + app.statistics("allejected").targets());
            assertEquals(0, app.statistics("allejected").shed());
        }
    }

    private static TargetStatistics spare(FleetApp app) {
        return app.target("eject", SPARE);
    }

    private static long triesOfAllejected(FleetApp app) {
        return app.statistics("allejected").targets().stream().mapToLong(TargetStatistics::exchanges).sum();
    }

    /**
     * Sends GETs on route {@code eject}, which the client must never see fail, and remembers when the last one that
     * tried the spare started and ended: the spare's health changed between those two instants.
     */
    private static final class Probe {
        private final FleetApp app;
        long lastTryStart;
        long lastTryEnd;

        Probe(FleetApp app) {
            this.app = app;
        }

        /** @return true when this request tried the spare */
        boolean get() {
            long before = spare(app).exchanges();
            long start = System.nanoTime();
            try {
                RawResponse r = app.send(RawRequest.get("/ctx/eject/x"));
                assertEquals(200, r.status(), r::toString);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            long end = System.nanoTime();
            if (spare(app).exchanges() > before) {
                lastTryStart = start;
                lastTryEnd = end;
                return true;
            }
            return false;
        }
    }
}
