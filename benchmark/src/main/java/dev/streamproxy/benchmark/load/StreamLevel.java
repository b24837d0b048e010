package dev.streamproxy.benchmark.load;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.servers.ContenderServer;

/**
 * One level of the streams mode: N long-lived SSE streams ({@link SseFleet}) through one proxy process, while a
 * {@link Probe} asks for the application's own page ({@link ContenderServer#APP_PAGE}) through the same container.
 * Before the level a full GC and the process' counters; once every stream should be open (2 s after the last one was
 * due to open) another full GC, the heap, the platform threads and the resident memory; after the level the counters
 * again. A stream is <em>on time</em> when it got status 200 and every event, its first event within twice the
 * interval of its connect, and no two of its events further apart than twice the interval. The fleet watches every
 * stream to its end (it does not give up when streams queue), within the streams' duration plus their opening plus
 * a margin.
 */
public final class StreamLevel {

    /** What a level asks for: streams, how long each lasts and how often it gets an event, how they open, the probe. */
    public record Settings(int streams, int durationMs, int intervalMs, int openRate, long probePeriodMs,
                           long probeTimeoutMs) {

        /** Events at 0, I, 2I, ... up to the duration. */
        public int events() {
            return durationMs / intervalMs + 1;
        }

        /** When the last stream is due to open, from the start of the level. */
        public long openMs() {
            return 1000L * streams / openRate;
        }
    }

    /**
     * A level's figures. {@code firstLate}: streams whose first event came over twice the interval after their connect
     * or never; {@code noFirstEvent}: those of them that got no event at all; {@code gapped}: streams with two events
     * over twice the interval apart; {@code incomplete}: streams that did not end with status 200 and every event.
     * First-event latencies are over the streams that got one. Heap and RSS per stream: at the plateau minus before,
     * over the level's streams; {@code threads}: the JVM's live platform threads at the plateau; {@code cpuSeconds}:
     * the proxy process' user + system CPU over the whole level; {@code plateauAllOpen}: whether the plateau came
     * before the first streams were due to end (else heap and RSS per stream are too low).
     */
    public record Result(String variant, Settings settings, SseFleet.Result fleet, int onTime, int firstLate,
                         int noFirstEvent, int gapped, int incomplete, double firstEventP50Ms, double firstEventMaxMs,
                         double maxGapMs, Probe.Result probe, double heapKiBPerStream, double rssKiBPerStream,
                         long threads, double cpuSeconds, boolean plateauAllOpen, String firstError) {

        /** Every stream on time. */
        public boolean held() {
            return onTime == settings.streams();
        }

        /** Why a level was not held, in a sentence; empty when it was. */
        public String why() {
            if (held()) {
                return "";
            }
            long limit = 2L * settings.intervalMs();
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%d of %d streams on time", onTime, settings.streams()));
            if (firstLate > 0) {
                sb.append(String.format(Locale.ROOT, "; %d without their first event within %d ms of connecting (%d "
                        + "without any in the level's %.0f s)", firstLate, limit, noFirstEvent, fleet.seconds()));
            }
            if (gapped > 0) {
                sb.append(String.format(Locale.ROOT, "; %d with events over %d ms apart (longest gap %.0f ms)", gapped,
                        limit, maxGapMs));
            }
            if (incomplete > 0) {
                sb.append(String.format(Locale.ROOT, "; %d did not end with every event", incomplete));
            }
            // the fleet's "unfinished at the time limit" only repeats the incomplete count
            if (firstError != null && !firstError.endsWith("unfinished at the time limit")) {
                sb.append("; first problem: ").append(firstError);
            }
            return sb.toString();
        }
    }

    private StreamLevel() {
    }

    public static Result measure(String variant, Contender c, Settings s) throws IOException, InterruptedException {
        Map<String, Long> before = c.process().admin("/gc");
        long rssBefore = c.process().rssBytes();
        ProcessCounters start = ProcessCounters.read(c);
        // the plateau: every stream open, none ended yet; with streams shorter than their opening, as late as allowed
        long plateauMs = s.openMs() + 2000;
        boolean allOpen = plateauMs + 1000 <= s.durationMs();
        long at = allOpen ? plateauMs : Math.max(1000, s.durationMs() - 1000);
        CompletableFuture<long[]> plateau = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(at);
                Map<String, Long> live = c.process().admin("/gc");
                return new long[] {live.getOrDefault("heapUsed", -1L), live.getOrDefault("threads", -1L),
                        c.process().rssBytes()};
            } catch (IOException | InterruptedException e) {
                return new long[] {-1, -1, -1};
            }
        });
        Probe probe = Probe.start(c.address(), ContenderServer.APP_PAGE, s.probePeriodMs(), s.probeTimeoutMs());
        SseFleet.Outcome out;
        Probe.Result probed;
        try {
            long margin = Math.max(5000, 3L * s.intervalMs());
            out = SseFleet.run(c.address(), c.pathPrefix(), new SseFleet.Plan(s.streams(), s.events(), s.intervalMs(),
                    s.openRate(), Duration.ofMillis(s.openMs() + s.durationMs() + margin), false));
        } finally {
            probed = probe.stop();
        }
        String firstError = out.result().firstError() != null ? out.result().firstError() : probed.firstError();
        long[] live;
        try {
            live = plateau.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            live = new long[] {-1, -1, -1};
        }
        if (live[0] < 0) {
            firstError = (firstError == null ? "" : firstError + "; ") + "the proxy JVM did not answer at the plateau";
        }
        double cpuSeconds = Double.NaN;
        try {
            cpuSeconds = start.cpuSecondsTo(ProcessCounters.read(c));
        } catch (IOException e) {
            firstError = (firstError == null ? "" : firstError + "; ") + "the proxy JVM did not answer after the level: " + e;
        }
        return judge(variant, s, out, probed, before.getOrDefault("heapUsed", -1L), rssBefore, live, cpuSeconds,
                allOpen, firstError);
    }

    private static Result judge(String variant, Settings s, SseFleet.Outcome out, Probe.Result probed, long heapBefore,
                                long rssBefore, long[] live, double cpuSeconds, boolean allOpen, String firstError) {
        long limit = 2_000_000L * s.intervalMs();
        int onTime = 0;
        int firstLate = 0;
        int noFirst = 0;
        int gapped = 0;
        int incomplete = 0;
        long maxGap = 0;
        long[] firsts = out.streams().stream().mapToLong(SseFleet.StreamTiming::firstEventNanos).filter(f -> f >= 0)
                .sorted().toArray();
        for (SseFleet.StreamTiming t : out.streams()) {
            boolean late = t.firstEventNanos() < 0 || t.firstEventNanos() > limit;
            boolean gap = t.maxGapNanos() > limit;
            firstLate += late ? 1 : 0;
            noFirst += t.firstEventNanos() < 0 ? 1 : 0;
            gapped += gap ? 1 : 0;
            incomplete += t.completed() ? 0 : 1;
            onTime += !late && !gap && t.completed() ? 1 : 0;
            maxGap = Math.max(maxGap, t.maxGapNanos());
        }
        // streams the fleet never opened (it ran out of budget or descriptors) are neither on time nor counted above
        int missing = s.streams() - out.streams().size();
        incomplete += missing;
        firstLate += missing;
        noFirst += missing;
        double heapKiB = heapBefore < 0 || live[0] < 0 ? Double.NaN : (live[0] - heapBefore) / 1024.0 / s.streams();
        double rssKiB = live[2] < 0 ? Double.NaN : (live[2] - rssBefore) / 1024.0 / s.streams();
        return new Result(variant, s, out.result(), onTime, firstLate, noFirst, gapped, incomplete,
                firsts.length == 0 ? Double.NaN : firsts[firsts.length / 2] / 1e6,
                firsts.length == 0 ? Double.NaN : firsts[firsts.length - 1] / 1e6, maxGap / 1e6, probed, heapKiB,
                rssKiB, live[1], cpuSeconds, allOpen, firstError);
    }
}
