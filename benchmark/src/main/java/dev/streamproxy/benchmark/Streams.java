package dev.streamproxy.benchmark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.streamproxy.benchmark.contenders.Baseline;
import dev.streamproxy.benchmark.contenders.ChildProcess;
import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.contenders.Launcher;
import dev.streamproxy.benchmark.load.Probe;
import dev.streamproxy.benchmark.load.SseFleet;
import dev.streamproxy.benchmark.load.StreamLevel;
import dev.streamproxy.benchmark.report.RunRecord;
import dev.streamproxy.benchmark.servers.ContenderServer;

/**
 * {@code --streams}: what one streamproxy process does with many long-lived SSE streams when its container keeps
 * its default thread pool. For each set-up ({@link Variant}: container, JDK, threads) a fresh proxy process climbs
 * the levels ({@link StreamLevel}) until one is not held, then stops there: a level not held says why (how many
 * streams queued, for how long), and the next one would only queue more. Streams open at a bounded rate from this
 * JVM's one selector thread ({@link SseFleet}), so the load generator holds thousands of them on any JDK.
 */
final class Streams {

    /**
     * A set-up to try. {@code vtJdk}: on the JDK 21+ of {@code --vt-java}, else on the contenders' JDK; {@code args}:
     * the container's settings beyond streamproxy's pool; {@code baseline}: streamproxy from
     * {@code benchmark/baseline.sh} (only when {@code --streams-variants} names it).
     */
    record Variant(String id, String container, String threads, boolean vtJdk, List<String> args, String what,
                   boolean baseline) {

        Variant(String id, String container, String threads, boolean vtJdk, List<String> args, String what) {
            this(id, container, threads, vtJdk, args, what, false);
        }
    }

    /** Tomcat's own default; the contender JVM raises it for the ramp, so this mode sets it back. */
    static final String TOMCAT_DEFAULT_CONNECTIONS = "tomcatConnector=maxConnections=8192";

    private final Options o;
    private final RunRecord run;
    private final Launcher launcher;
    private final Progress progress;
    private final List<StreamLevel.Result> levels = new ArrayList<>();

    Streams(Options o, RunRecord run, Launcher launcher, Progress progress) {
        this.o = o;
        this.run = run;
        this.launcher = launcher;
        this.progress = progress;
    }

    /**
     * Every set-up, in the order they run; the {@code -17} ones on the contenders' JDK, the {@code -25} on
     * {@code --vt-java}; the {@code -baseline} ones as the {@code -17} ones with streamproxy from another commit.
     */
    static List<Variant> variants() {
        String qtp = "QueuedThreadPool, Jetty's default (max 200 platform threads)";
        String tomcat = "Tomcat's default executor (maxThreads 200 platform threads, maxConnections 8192)";
        return List.of(
                new Variant("jetty-17", "jetty", "platform", false, List.of(), qtp),
                new Variant("tomcat-17", "tomcat", "platform", false, List.of(TOMCAT_DEFAULT_CONNECTIONS), tomcat),
                new Variant("jetty-25", "jetty", "platform", true, List.of(), qtp),
                new Variant("tomcat-25", "tomcat", "platform", true, List.of(TOMCAT_DEFAULT_CONNECTIONS), tomcat),
                new Variant("jetty-25-virtual", "jetty", "virtual", true, List.of("maxTasks=0"),
                        "VirtualThreadPool with maxConcurrentTasks=0 (its default admits 200 tasks at once)"),
                new Variant("tomcat-25-virtual", "tomcat", "virtual", true, List.of(TOMCAT_DEFAULT_CONNECTIONS),
                        "useVirtualThreads=true, maxConnections 8192"),
                new Variant("jetty-17-baseline", "jetty", "platform", false, List.of(), qtp, true),
                new Variant("tomcat-17-baseline", "tomcat", "platform", false, List.of(TOMCAT_DEFAULT_CONNECTIONS), tomcat,
                        true));
    }

    List<StreamLevel.Result> run() throws IOException, InterruptedException {
        int[] wanted = o.streamLevels;
        long openFiles = Options.openFilesLimit();
        int[] fit = Arrays.stream(wanted).filter(l -> 2L * l + Options.FD_RESERVE <= openFiles).toArray();
        if (fit.length < wanted.length) {
            run.notes.add(String.format(Locale.ROOT, "Levels above %d streams are not tried: a stream holds two descriptors "
                    + "in the proxy JVM and this machine allows %d open files per process.",
                    fit.length == 0 ? 0 : fit[fit.length - 1], openFiles));
        }
        int top = fit.length == 0 ? 0 : fit[fit.length - 1];
        describe(top);
        List<Variant> selected = selected();
        try (ChildProcess upstream = launcher.upstream()) {
            progress.say("upstream listening on " + upstream.port());
            for (Variant v : selected) {
                climb(v, upstream.port(), fit, top);
            }
        }
        return levels;
    }

    private List<Variant> selected() {
        List<String> ids = variants().stream().map(Variant::id).toList();
        for (String id : o.streamVariants) {
            if (!ids.contains(id)) {
                throw new IllegalArgumentException("--streams-variants: unknown set-up " + id + "; known: "
                        + String.join(",", ids));
            }
        }
        List<Variant> out = new ArrayList<>();
        for (Variant v : variants()) {
            if (o.streamVariants.isEmpty() ? v.baseline() : !o.streamVariants.contains(v.id())) {
                continue;
            }
            if (v.vtJdk() && o.virtualThreadJava == null) {
                run.notes.add("variant " + v.id() + " skipped: no JDK 21+ found (--vt-java)");
                continue;
            }
            out.add(v);
        }
        return out;
    }

    private void climb(Variant v, int upstreamPort, int[] fit, int top) throws InterruptedException {
        Path java = v.vtJdk() ? o.virtualThreadJava : o.contenderJava;
        List<String> args = new ArrayList<>(v.args());
        // streamproxy's own pool: one upstream connection per stream, so it must not be what limits the level
        args.add("maxConnections=" + Math.max(256, top * 2));
        try {
            Launcher l = launcher.with(java, o.contenderFlags(o.streamsHeap));
            String label = label(v, l);
            if (v.baseline()) {
                Baseline b = Baseline.find(o.baselineDir).orElseThrow(() -> new IOException("no baseline in "
                        + o.baselineDir + "; build one first with benchmark/baseline.sh <commit>"));
                l = l.with(b);
                label += ", streamproxy at " + b.shortCommit();
                run.info.put("baseline", "the -baseline set-ups run proxy-filter from commit " + b.commit()
                        + " (built by benchmark/baseline.sh into " + b.dir() + ")");
            }
            run.labels.put(v.id(), label);
            try (ChildProcess p = l.contender("streams-" + v.id(), upstreamPort, "streamproxy", v.container(),
                    v.threads(), args, List.of())) {
                Contender c = new Contender(v.id(), label, p.port(), ContenderServer.PREFIX, p, true);
                // warm both paths a little so the first level does not measure class loading
                Probe warm = Probe.start(c.address(), ContenderServer.APP_PAGE, 20, o.probeTimeoutMs);
                SseFleet.run(c.address(), c.pathPrefix(), 50, 2, 100, o.streamOpenRate, Race.budget(50, 2, 100));
                warm.stop();
                for (int streams : fit) {
                    StreamLevel.Result r = StreamLevel.measure(v.id(), c, new StreamLevel.Settings(streams,
                            o.streamSeconds * 1000, o.streamIntervalMs, o.streamOpenRate, o.probeMs, o.probeTimeoutMs));
                    levels.add(r);
                    say(v.id(), r);
                    // closed connections drain (and the proxy's queued requests for streams already gone) before the next level
                    Thread.sleep(3000);
                    if (!r.held() || !p.alive()) {
                        break;
                    }
                }
            }
        } catch (IOException e) {
            run.notes.add("variant " + v.id() + " failed to run: " + e.getMessage());
            progress.say("streams " + v.id() + " failed: " + e);
        }
    }

    private String label(Variant v, Launcher l) {
        String container = v.container().equals("jetty") ? "Jetty 12" : "Tomcat 11";
        return container + ", " + Launcher.jdkName(l.javaVersion()) + ", " + v.what();
    }

    private void say(String id, StreamLevel.Result r) {
        progress.say(String.format(Locale.ROOT, "streams %-17s %5d: %s, %d on time; first event p50 %.0f ms, max %.0f ms; "
                        + "probe p50 %.1f ms, p99 %.0f ms, %d of %d unanswered in %d ms, %d errors; %.1f KiB heap and %.1f "
                        + "KiB RSS per stream, %d platform threads, %.1f s CPU%s",
                id, r.settings().streams(), r.held() ? "held" : "NOT held",
                r.onTime(), r.firstEventP50Ms(), r.firstEventMaxMs(), r.probe().p50Ms(), r.probe().p99Ms(),
                r.probe().unanswered(), r.probe().sent(), o.probeTimeoutMs, r.probe().errors(), r.heapKiBPerStream(),
                r.rssKiBPerStream(), r.threads(), r.cpuSeconds(), r.held() ? "" : " (" + r.why() + ")"));
    }

    private void describe(int top) {
        run.info.put("streams", String.format(Locale.ROOT, "Levels %s streams through one proxy process per set-up, "
                        + "opened at %d/s; each stream lasts %d s with an event every %d ms (the upstream's, carrying its "
                        + "send time). A stream is on time when it got status 200 and every event, its first within %d ms "
                        + "of its connect and no two more than %d ms apart; a level is held when every stream is on time, "
                        + "and the climb stops after the first level not held. Probe: a new connection every %d ms asking "
                        + "for the application's own page (%s, a servlet of the same webapp, not proxied), unanswered "
                        + "after %d ms. streamproxy maxConnections=%d (its upstream pool), everything else default.",
                Arrays.toString(o.streamLevels), o.streamOpenRate, o.streamSeconds, o.streamIntervalMs,
                2 * o.streamIntervalMs, 2 * o.streamIntervalMs, o.probeMs, ContenderServer.APP_PAGE, o.probeTimeoutMs,
                Math.max(256, top * 2)));
        if (Launcher.feature(Launcher.jdkName(launcher.javaVersion())) != 17) {
            run.notes.add("The -17 set-ups ran on " + Launcher.jdkName(launcher.javaVersion()) + ", not JDK 17: pass "
                    + "--java=/usr/lib/jvm/java-17-openjdk-amd64 for the figures of issue 18.");
        }
    }
}
