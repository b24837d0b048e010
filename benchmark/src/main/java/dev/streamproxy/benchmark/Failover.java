package dev.streamproxy.benchmark;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.contenders.UpstreamFleet;
import dev.streamproxy.benchmark.load.FailoverLoop;
import dev.streamproxy.benchmark.load.LoadRunner;
import dev.streamproxy.benchmark.load.Scenario;
import dev.streamproxy.benchmark.report.FleetRecord;

/**
 * The failover half of {@code --fleet}: for each proxy (the route over three upstreams) and each scenario, a
 * {@link FailoverLoop} during which one upstream process is killed with SIGKILL; then the failed requests' ids are
 * looked up in the upstreams' request logs, and the killed upstream is started again. Which upstream dies rotates
 * from run to run. Before each run every upstream must be running and receiving requests through the proxy (a proxy
 * keeps a restarted upstream out for its fail timeout, 10 s by default in both), so that the kill always takes one
 * of three serving upstreams away.
 */
final class Failover {

    /** Longest wait for every upstream to be back in a proxy's rotation. */
    private static final Duration SERVING_TIMEOUT = Duration.ofSeconds(45);
    private static final Duration PROBE_WINDOW = Duration.ofMillis(500);

    private final Options o;
    private final FleetRecord fleet;
    private final Progress progress;
    private final UpstreamFleet upstreams;
    private int runs;

    Failover(Options o, FleetRecord fleet, Progress progress, UpstreamFleet upstreams) {
        this.o = o;
        this.fleet = fleet;
        this.progress = progress;
        this.upstreams = upstreams;
    }

    void run(List<Contender> contenders) throws IOException, InterruptedException {
        for (int rep = 1; rep <= o.failoverReps; rep++) {
            for (Contender c : Race.rotate(contenders, rep)) {
                for (Scenario s : Fleet.SCENARIOS) {
                    int victim = runs % upstreams.size();
                    runs++;
                    one(rep, c, s, victim, "f" + runs);
                }
            }
        }
    }

    private void one(int rep, Contender c, Scenario s, int victim, String idPrefix) throws IOException, InterruptedException {
        for (int i = 0; i < upstreams.size(); i++) {
            upstreams.restart(i);
        }
        boolean serving = awaitServing(c);
        Map<String, Long> before = c.hasAdmin() ? c.process().admin("/stats") : Map.of();
        FailoverLoop.Result r = FailoverLoop.run(c, s, Fleet.CLIENTS, idPrefix, Duration.ofMillis(o.failoverMs),
                Duration.ofMillis(o.killAtMs), () -> kill(victim));
        Map<String, Long> after = c.hasAdmin() ? c.process().admin("/stats") : Map.of();
        long retries = after.containsKey("routeRetries") ? after.get("routeRetries") - before.get("routeRetries") : -1;

        Set<String> killed = upstreams.idsReceived(victim, idPrefix + "-");
        Set<String> others = new HashSet<>();
        for (int i = 0; i < upstreams.size(); i++) {
            if (i != victim) {
                others.addAll(upstreams.idsReceived(i, idPrefix + "-"));
            }
        }
        Map<String, String> reached = new HashMap<>();
        for (FailoverLoop.Failure f : r.failures()) {
            reached.put(f.id(), killed.contains(f.id()) ? FleetRecord.Failover.KILLED
                    : others.contains(f.id()) ? FleetRecord.Failover.OTHER
                    : f.startMs() < r.eventDoneMs() ? FleetRecord.Failover.IN_FLIGHT : FleetRecord.Failover.AFTER);
        }
        long resent = killed.stream().filter(others::contains).count();
        upstreams.restart(victim);
        FleetRecord.Failover result = new FleetRecord.Failover(rep, c.id(), s.id, UpstreamFleet.letter(victim), r,
                reached, resent, retries, serving);
        fleet.failovers.add(result);
        progress.say(String.format(Locale.ROOT, "failover %-28s %-10s killed %s at %.0f ms (gone at %.0f): %d ok, %d errors "
                        + "(%d reached it, %d in flight, %d sent after, %d another only), %d sent again, retries %s, max %.0f ms%s%s",
                c.id(), s.title, result.victim(), r.eventAtMs(), r.eventDoneMs(), r.ok(), r.failed(),
                result.failed(FleetRecord.Failover.KILLED), result.failed(FleetRecord.Failover.IN_FLIGHT),
                result.failed(FleetRecord.Failover.AFTER), result.failed(FleetRecord.Failover.OTHER), resent,
                retries < 0 ? "–" : Long.toString(retries),
                r.maxAnyMs(), serving ? "" : " (not every upstream was serving before)",
                r.failed() > 0 ? "; " + result.kinds() : ""));
    }

    private void kill(int victim) {
        try {
            upstreams.kill(victim);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Light load through the proxy until each upstream receives some of it; false when that did not happen in time. */
    private boolean awaitServing(Contender c) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SERVING_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            long[] before = upstreams.requestCounts();
            LoadRunner.run(0, c, Scenario.GET_1K, 4, Duration.ZERO, PROBE_WINDOW);
            long[] after = upstreams.requestCounts();
            boolean all = true;
            for (int i = 0; i < after.length; i++) {
                all &= before[i] >= 0 && after[i] > before[i];
            }
            if (all) {
                return true;
            }
        }
        return false;
    }
}
