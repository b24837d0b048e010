package dev.streamproxy.benchmark;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.streamproxy.benchmark.contenders.Baseline;
import dev.streamproxy.benchmark.contenders.ChildProcess;
import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.contenders.Launcher;
import dev.streamproxy.benchmark.contenders.Nginx;
import dev.streamproxy.benchmark.load.CellResult;
import dev.streamproxy.benchmark.load.LargeResult;
import dev.streamproxy.benchmark.load.LargeTransfer;
import dev.streamproxy.benchmark.load.LoadRunner;
import dev.streamproxy.benchmark.load.Scenario;
import dev.streamproxy.benchmark.load.SseFleet;
import dev.streamproxy.benchmark.report.Report;
import dev.streamproxy.benchmark.report.RunRecord;
import dev.streamproxy.benchmark.servers.ContenderServer;

/**
 * The race: one upstream, every contender in its own process (streamproxy from another commit beside this build's
 * when {@code benchmark/baseline.sh} has built one), scenarios run cell by cell with the contenders
 * interleaved (their order rotates each repetition), then the long-lived SSE streams, the large transfers, and the
 * streamproxy SSE concurrency ramp on a JDK with virtual threads.
 */
final class Race {

    /** The opt-in contender: streamproxy in Tomcat with 64 KiB socket application buffers ({@code --only=}). */
    static final String TOMCAT_64K = "streamproxy-tomcat-64k";
    static final String TOMCAT_64K_CONNECTOR = "socket.appReadBufSize=65536;socket.appWriteBufSize=65536";
    /** Today's engine, from {@code benchmark/baseline.sh <commit>}, in the same two containers. */
    static final String BASELINE_JETTY = "streamproxy-jetty-baseline";
    static final String BASELINE_TOMCAT = "streamproxy-tomcat-baseline";

    /**
     * A contender JVM: its id, the proxy and container it runs, arguments beyond the pool; {@code baseline}: with
     * streamproxy from {@code benchmark/baseline.sh} (raced whenever one is built); {@code optIn}: only when
     * {@code --only} names it.
     */
    record Jvm(String id, String proxy, String container, List<String> args, boolean baseline, boolean optIn) {
    }

    static final List<Jvm> JVMS = List.of(
            new Jvm(Contender.STREAMPROXY, "streamproxy", "jetty", List.of(), false, false),
            new Jvm("streamproxy-tomcat", "streamproxy", "tomcat", List.of(), false, false),
            new Jvm(BASELINE_JETTY, "streamproxy", "jetty", List.of(), true, false),
            new Jvm(BASELINE_TOMCAT, "streamproxy", "tomcat", List.of(), true, false),
            new Jvm("naive", "naive", "jetty", List.of(), false, false),
            new Jvm("jetty-proxyservlet", "jetty-proxyservlet", "jetty", List.of(), false, false),
            new Jvm("smiley", "smiley", "jetty", List.of(), false, false),
            // the socket buffers the README recommends for large bodies
            new Jvm(TOMCAT_64K, "streamproxy", "tomcat", List.of("tomcatConnector=" + TOMCAT_64K_CONNECTOR), false, true));

    private final Options o;
    private final RunRecord run;
    private final Launcher launcher;
    private final Progress progress;

    Race(Options o, RunRecord run, Launcher launcher, Progress progress) {
        this.o = o;
        this.run = run;
        this.launcher = launcher;
        this.progress = progress;
    }

    void run() throws IOException, InterruptedException {
        List<ChildProcess> processes = new ArrayList<>();
        try (ChildProcess upstream = launcher.upstream()) {
            progress.say("upstream listening on " + upstream.port());
            List<Contender> contenders = start(upstream, processes);
            run.contenders.clear();
            contenders.forEach(c -> run.contenders.add(c.id()));
            warmUp(contenders);
            for (int rep = 1; rep <= o.reps; rep++) {
                if (o.runs("throughput")) {
                    for (Scenario s : List.of(Scenario.POST_1M, Scenario.GET_1M, Scenario.GET_1K)) {
                        if (o.runsScenario(s)) {
                            cells(rep, s, contenders);
                        }
                    }
                }
                if (o.runs("ttfe")) {
                    cells(rep, Scenario.SSE_FIRST_EVENT, contenders);
                }
                if (o.runs("held") && rep <= 2) {
                    held(rep, contenders);
                }
            }
            if (o.runs("large")) {
                for (int rep = 1; rep <= Math.min(2, o.reps); rep++) {
                    for (Contender c : rotate(contenders, rep)) {
                        if (c.hasAdmin() && !c.id().equals("naive")) {
                            large(rep, c);
                        }
                    }
                }
                // last: at this size the naive filter may run out of heap and die
                for (Contender c : contenders) {
                    if (c.id().equals("naive")) {
                        large(1, c);
                    }
                }
            }
            processes.forEach(ChildProcess::close);
            processes.clear();
            if (o.runs("ramp")) {
                new Ramp(o, run, launcher, progress).run(upstream.port());
            }
        } finally {
            processes.forEach(ChildProcess::close);
        }
    }

    private List<Contender> start(ChildProcess upstream, List<ChildProcess> processes) throws IOException, InterruptedException {
        Map<String, String> labels = Report.labels();
        run.labels.putAll(labels);
        List<Contender> cs = new ArrayList<>();
        if (o.wants(Contender.DIRECT)) {
            cs.add(new Contender(Contender.DIRECT, labels.get(Contender.DIRECT), upstream.port(), "/svc", null, false));
        }
        List<String> pool = List.of("maxConnections=" + o.poolSize);
        Optional<Baseline> baseline = Baseline.find(o.baselineDir);
        for (Jvm j : JVMS) {
            if (!o.wants(j.id()) || (j.optIn() && !o.only.contains(j.id()))) {
                continue;
            }
            Launcher l = launcher;
            if (j.baseline()) {
                if (baseline.isEmpty()) {
                    if (o.only.contains(j.id())) {
                        throw new IOException(j.id() + ": no baseline in " + o.baselineDir + "; build one first with "
                                + "benchmark/baseline.sh <commit>");
                    }
                    continue;
                }
                l = launcher.with(baseline.get());
                run.info.put("baseline", "the -baseline contenders run proxy-filter from commit " + baseline.get().commit()
                        + " (built by benchmark/baseline.sh into " + baseline.get().dir() + "), the rest as above");
                labels.put(j.id(), labels.get(j.id()).replace("baseline", "at " + baseline.get().shortCommit()));
                run.labels.put(j.id(), labels.get(j.id()));
            }
            List<String> extra = o.jfr && j.proxy().equals("streamproxy") ? jfrFlags(j.id()) : List.of();
            List<String> args = java.util.stream.Stream.concat(pool.stream(), j.args().stream()).toList();
            ChildProcess p = l.contender(j.id(), upstream.port(), j.proxy(), j.container(), "platform", args, extra);
            processes.add(p);
            cs.add(new Contender(j.id(), labels.get(j.id()), p.port(), ContenderServer.PREFIX, p, true));
            progress.say(j.id() + " listening on " + p.port() + " (admin " + p.ready().get("admin") + ")");
        }
        if (o.wants("nginx")) {
            Optional<Path> nginx = Nginx.binary();
            if (nginx.isPresent()) {
                ChildProcess p = Nginx.start(nginx.get(), upstream.port(), run.logDir);
                processes.add(p);
                cs.add(new Contender("nginx", labels.get("nginx"), p.port(), ContenderServer.PREFIX, p, false));
                progress.say("nginx listening on " + p.port());
            } else {
                run.notes.add("nginx is not installed here (`apt-get install nginx-light`); its rows are missing.");
                progress.say("nginx not installed: skipped");
            }
        }
        return cs;
    }

    private List<String> jfrFlags(String id) {
        return List.of("-XX:StartFlightRecording=filename=" + run.logDir.resolve(id + ".jfr").toAbsolutePath()
                + ",settings=profile,dumponexit=true");
    }

    private void warmUp(List<Contender> contenders) throws IOException, InterruptedException {
        Duration half = Duration.ofMillis(o.initialWarmMs / 2);
        for (Contender c : contenders) {
            for (Scenario s : Scenario.values()) {
                if (s == Scenario.SSE_FIRST_EVENT ? !o.runs("ttfe") : !o.runsScenario(s)) {
                    continue;
                }
                CellResult r = LoadRunner.run(0, c, s, 8, half, half);
                if (r.errors() > 0) {
                    progress.say("warm-up " + c.id() + " " + s.id + ": " + r.errors() + " errors, first: " + r.firstError());
                }
            }
            progress.say("warmed up " + c.id());
        }
    }

    private void cells(int rep, Scenario s, List<Contender> contenders) throws IOException, InterruptedException {
        for (int conc : run.concurrencies) {
            for (Contender c : rotate(contenders, rep + conc)) {
                // time to first event is a latency figure: a shorter window gives enough samples
                long measure = s == Scenario.SSE_FIRST_EVENT ? Math.min(o.measureMs, 2000) : o.measureMs;
                CellResult r = LoadRunner.run(rep, c, s, conc, Duration.ofMillis(o.warmMs), Duration.ofMillis(measure));
                run.cells.add(r);
                progress.say(String.format(Locale.ROOT, "rep %d/%d %-15s c=%-2d %-19s %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms%s%s",
                        rep, o.reps, s.title, conc, c.id(), r.rps(), r.p50us() / 1000, r.p99us() / 1000,
                        Double.isNaN(r.allocBytesPerRequest()) ? "" : String.format(Locale.ROOT, "  %7.1f KiB/req", r.allocBytesPerRequest() / 1024),
                        r.errors() > 0 ? "  " + r.errors() + " errors: " + r.firstError() : ""));
            }
        }
    }

    private void held(int rep, List<Contender> contenders) throws IOException {
        run.heldStreams = o.heldStreams;
        int events = o.eventsFor(o.heldStreams);
        run.heldEvents = events;
        run.heldIntervalMs = o.heldIntervalMs;
        run.openRate = o.openRate;
        for (Contender c : rotate(contenders, rep)) {
            SseFleet.Result r = SseFleet.run(c.address(), c.pathPrefix(), o.heldStreams, events, o.heldIntervalMs,
                    o.openRate, budget(o.heldStreams, events, o.heldIntervalMs));
            run.held.add(new RunRecord.Held(rep, c.id(), r));
            progress.say(String.format(Locale.ROOT, "rep %d/%d SSE %d streams   %-19s %s: %d/%d complete, first-event wait max %.0f ms, event p99 %.1f ms%s",
                    rep, o.reps, o.heldStreams, c.id(), r.pass() ? "held" : "NOT held", r.completed(), r.streams(),
                    r.firstEventWaitMaxMs(), r.eventP99Ms(), r.firstError() == null ? "" : " (" + r.firstError() + ")"));
            settle();
        }
    }

    static Duration budget(int streams, int events, int intervalMs) {
        return Duration.ofMillis((long) events * intervalMs + 15_000 + streams);
    }

    /** Lets closed connections drain before the next contender runs. */
    static void settle() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void large(int rep, Contender c) {
        for (String direction : List.of("upload", "download")) {
            LargeResult r = LargeTransfer.measure(rep, c, direction, o.largeBytes);
            run.large.add(r);
            progress.say(String.format(Locale.ROOT, "large %s %d MiB %-19s %s peak heap %.0f MiB (+%.0f) %.0f MB/s %s",
                    direction, o.largeBytes >> 20, c.id(), r.ok() ? "ok" : "FAILED", r.peakHeapMiB(), r.peakAboveBaseMiB(),
                    r.bytes() / 1e6 / r.seconds(), r.note() == null ? "" : r.note()));
        }
    }

    static <T> List<T> rotate(List<T> list, int by) {
        List<T> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(list.get((i + by) % list.size()));
        }
        return out;
    }
}
