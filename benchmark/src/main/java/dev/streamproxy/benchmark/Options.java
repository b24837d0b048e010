package dev.streamproxy.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.streamproxy.benchmark.load.Scenario;

/**
 * Command-line options. Modes: full (default, ~20-25 min on 2 cores), {@code --quick} (~2 min, for development;
 * writes to results/quick/), {@code --huge} (10 GiB up and down through a -Xmx32m streamproxy JVM), {@code --fleet}
 * (a route over three upstreams: overhead and failover; with {@code --quick}, a short one into results/quick/),
 * {@code --websocket} (WebSocket tunnels: echo throughput and latency, memory per idle tunnel; also with {@code --quick}),
 * {@code --streams} (many long-lived SSE streams with the containers' default thread pools; also with {@code --quick}).
 * Every other option is {@code --name=value}; see {@link #usage()}.
 */
final class Options {

    String mode = "full";
    /** {@code --quick}: short settings for the race, or for {@code --fleet}. */
    boolean quick;
    Path out;
    int reps;
    long warmMs;
    long measureMs;
    long initialWarmMs;
    int heldStreams;
    /** Events each stream gets after the last stream of its level has opened (streams open at {@link #openRate}). */
    int heldEvents;
    int heldIntervalMs;
    int openRate = 1000;
    String rampHeap = "2g";
    int[] rampLevels;
    /** {@code --ramp-variants}: run only the ramp variants whose label contains one of these (case-insensitive). */
    List<String> rampVariants = List.of();
    int rampIntervalMs;
    long largeBytes;
    long hugeBytes = 10L << 30;
    String heap = "512m";
    int poolSize = 2048;
    Set<String> only = new LinkedHashSet<>();
    Set<String> skip = new LinkedHashSet<>();
    Set<String> scenarios = new LinkedHashSet<>();
    boolean jfr;
    Path contenderJava = Path.of(System.getProperty("java.home"));
    /** {@code --baseline}: where {@code benchmark/baseline.sh} put streamproxy from another commit. */
    Path baselineDir = dev.streamproxy.benchmark.contenders.Baseline.defaultDir();
    Path virtualThreadJava;
    /** {@code --fleet}: upstream processes behind the route, length of each failover loop, when the kill comes. */
    int fleetSize = 3;
    long failoverMs;
    long killAtMs = 1000;
    int failoverReps;
    /** {@code --streams}: the levels, each stream's length and event interval, how fast they open, the probe. */
    int[] streamLevels;
    int streamSeconds;
    int streamIntervalMs = 1000;
    int streamOpenRate = 250;
    long probeMs = 100;
    long probeTimeoutMs = 5000;
    String streamsHeap = "2g";
    /** {@code --streams-variants}: the set-ups to run, by id (default: all but the baselines). */
    List<String> streamVariants = List.of();
    /** {@code --websocket}: the counts of idle tunnels measured (each its own measurement), and their repetitions. */
    int[] idleTunnels;
    int idleReps;

    static String usage() {
        return """
                usage: java -jar benchmark/target/benchmark.jar [--quick | --huge | --profile | --fleet [--quick]
                                                                 | --websocket [--quick] | --streams [--quick]]
                                                                [--name=value ...]
                  --quick                 ~2 minutes, one repetition, short windows; writes results/quick/
                  --huge                  10 GiB upload and download through streamproxy with -Xmx32m; writes huge.md
                  --report-only           redraw results.md, the charts and the snippet from the files of the last run
                  --profile               JFR allocation profile of streamproxy (Jetty, Tomcat) per scenario; writes profile.md
                  --fleet                 one route over three upstreams: overhead against one target, and failover when
                                          one upstream is killed (streamproxy and nginx); writes fleet.md, fleet*.csv.
                                          With --quick: one short repetition into results/quick/
                  --websocket             WebSocket tunnels: echo messages/s and round trip of 32 B and 64 KiB messages
                                          through streamproxy (Jetty, Tomcat) and nginx against direct, and memory per
                                          idle tunnel (also on --vt-java); writes websocket.md, websocket*.csv.
                                          With --quick: one short repetition into results/quick/
                  --streams               many long-lived SSE streams through one streamproxy per container set-up
                                          with its default thread pool (Jetty, Tomcat; JDK 17, and JDK 25 with
                                          virtual threads off and on), the application's own page probed meanwhile;
                                          writes streams.md, streams.csv. With --quick: levels 100,400 of 10 s streams
                                          into results/quick/
                  --out=DIR               output directory (default benchmark/results, or benchmark/results/quick)
                  --reps=N --warm-ms=N --measure-ms=N   repetitions and per-cell warm-up / measured window
                  --only=a,b              contenders: direct,streamproxy-jetty,streamproxy-tomcat,naive,
                                          streamproxy-jetty-baseline,streamproxy-tomcat-baseline (when
                                          benchmark/baseline.sh has built one: streamproxy from another commit),
                                          streamproxy-tomcat-64k (opt-in: Tomcat with 64 KiB socket buffers),
                                          jetty-proxyservlet,smiley,nginx; with --fleet: streamproxy-1,
                                          streamproxy-least-in-flight,streamproxy-round-robin,streamproxy-random,
                                          nginx-1,nginx-least-conn; with --websocket: direct,streamproxy-jetty,
                                          streamproxy-tomcat,nginx
                  --skip=a,b              phases: throughput,ttfe,held,large,ramp; with --websocket: echo,idle
                  --scenarios=a,b         closed-loop scenarios to run: post1m,get1m,get1k (default all)
                  --heap=512m             -Xms/-Xmx of every contender JVM in the race
                  --ramp-heap=2g          -Xms/-Xmx of the JVMs in the SSE concurrency ramp
                  --ramp-levels=a,b       the ramp's levels (default: up to 10,000 or what open files allow)
                  --ramp-variants=a,b     only the ramp variants whose label contains one of these, e.g. tomcat
                  --pool=2048             upstream connection pool size given to every Java proxy
                  --java=JAVA_HOME        JDK for the contender JVMs (default: the one running this)
                  --baseline=DIR          the baseline contenders' build (default benchmark/target/baseline)
                  --vt-java=JAVA_HOME     JDK 21+ for the virtual-thread ramp and the --websocket idle tunnels on
                                          virtual threads (default: --java if 21+, else
                                          /usr/lib/jvm/temurin-25-jdk-amd64 when present)
                  --huge-bytes=N          size for --huge (default 10 GiB)
                  --jfr                   record JFR allocation profiles of the streamproxy JVMs (in results/logs)
                  --failover-ms=N         --fleet: length of each failover loop (default 6000, --quick 4000)
                  --kill-at-ms=N          --fleet: when an upstream is killed in it (default 1000)
                  --failover-reps=N       --fleet: failover runs per proxy and scenario (default 2, --quick 1)
                  --streams-levels=a,b    --streams: the levels (default 100,1000,2000,4000,8000; --quick 100,400)
                  --stream-seconds=N      --streams: how long each stream lasts (default 60, --quick 10)
                  --stream-interval-ms=N  --streams: time between a stream's events (default 1000)
                  --stream-open-rate=N    --streams: streams opened per second (default 250)
                  --probe-ms=N            --streams: time between two probes of the application's page (default 100)
                  --probe-timeout-ms=N    --streams: a probe without its answer after this is unanswered (default 5000)
                  --streams-heap=2g       --streams: -Xms/-Xmx of the proxy JVMs
                  --streams-variants=a,b  --streams: set-ups by id: jetty-17,tomcat-17,jetty-25,tomcat-25,
                                          jetty-25-virtual,tomcat-25-virtual (default: these), jetty-17-baseline,
                                          tomcat-17-baseline (benchmark/baseline.sh's build; only when named)
                  --idle-tunnels=a,b      --websocket: idle tunnels per memory measurement, one measurement per count
                                          (default 1000,5000, --quick 200)
                  --idle-reps=N           --websocket: memory measurements per contender and JDK (default 2, --quick 1)
                """;
    }

    static Options parse(String[] args) {
        Options o = new Options();
        Map<String, String> kv = new HashMap<>();
        for (String a : args) {
            switch (a) {
                case "--quick" -> o.quick = true;
                case "--fleet" -> o.mode = "fleet";
                case "--websocket" -> o.mode = "websocket";
                case "--streams" -> o.mode = "streams";
                case "--huge" -> o.mode = "huge";
                case "--profile" -> o.mode = "profile";
                case "--report-only" -> o.mode = "report";
                case "--full" -> {
                    o.mode = "full";
                    o.quick = false;
                }
                case "--jfr" -> o.jfr = true;
                case "-h", "--help" -> {
                    System.out.print(usage());
                    System.exit(0);
                }
                default -> {
                    int eq = a.indexOf('=');
                    if (!a.startsWith("--") || eq < 0) {
                        throw new IllegalArgumentException("unknown argument " + a + "\n" + usage());
                    }
                    kv.put(a.substring(2, eq), a.substring(eq + 1));
                }
            }
        }
        if (o.quick && o.mode.equals("full")) {
            o.mode = "quick";
        }
        boolean quick = o.quick && (o.mode.equals("quick") || o.mode.equals("fleet") || o.mode.equals("websocket")
                || o.mode.equals("streams"));
        o.reps = quick ? 1 : 4;
        o.warmMs = quick ? 300 : 700;
        o.measureMs = quick ? 700 : 2000;
        o.initialWarmMs = quick ? 600 : 3000;
        o.heldStreams = quick ? 300 : 1000;
        o.heldEvents = quick ? 5 : 6;

        o.heldIntervalMs = 1000;
        o.rampLevels = quick ? new int[] {100, 400, 1600} : rampLevelsWithin(openFilesLimit());
        o.rampIntervalMs = 1000;
        o.largeBytes = quick ? 32L << 20 : 128L << 20;
        o.failoverMs = quick ? 4000 : 6000;
        o.failoverReps = quick ? 1 : 2;
        o.idleTunnels = quick ? new int[] {200} : new int[] {1000, 5000};
        o.idleReps = quick ? 1 : 2;
        o.streamLevels = quick ? new int[] {100, 400} : new int[] {100, 1000, 2000, 4000, 8000};
        o.streamSeconds = quick ? 10 : 60;
        Path base = Files.isDirectory(Path.of("benchmark")) ? Path.of("benchmark", "results") : Path.of("results");
        o.out = quick ? base.resolve("quick") : base;

        for (Map.Entry<String, String> e : kv.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "out" -> o.out = Path.of(v);
                case "reps" -> o.reps = Integer.parseInt(v);
                case "warm-ms" -> o.warmMs = Long.parseLong(v);
                case "measure-ms" -> o.measureMs = Long.parseLong(v);
                case "only" -> o.only.addAll(List.of(v.split(",")));
                case "skip" -> o.skip.addAll(List.of(v.split(",")));
                case "scenarios" -> o.scenarios.addAll(List.of(v.split(",")));
                case "heap" -> o.heap = v;
                case "ramp-heap" -> o.rampHeap = v;
                case "pool" -> o.poolSize = Integer.parseInt(v);
                case "java" -> o.contenderJava = Path.of(v);
                case "baseline" -> o.baselineDir = Path.of(v);
                case "vt-java" -> o.virtualThreadJava = Path.of(v);
                case "huge-bytes" -> o.hugeBytes = Long.parseLong(v);
                case "held-streams" -> o.heldStreams = Integer.parseInt(v);
                case "failover-ms" -> o.failoverMs = Long.parseLong(v);
                case "kill-at-ms" -> o.killAtMs = Long.parseLong(v);
                case "failover-reps" -> o.failoverReps = Integer.parseInt(v);
                case "idle-tunnels" -> o.idleTunnels = java.util.Arrays.stream(v.split(",")).mapToInt(Integer::parseInt)
                        .sorted().toArray();
                case "idle-reps" -> o.idleReps = Integer.parseInt(v);
                case "ramp-variants" -> o.rampVariants = List.of(v.toLowerCase(java.util.Locale.ROOT).split(","));
                case "ramp-levels" -> o.rampLevels = java.util.Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "streams-levels" -> o.streamLevels = java.util.Arrays.stream(v.split(",")).mapToInt(Integer::parseInt)
                        .sorted().toArray();
                case "stream-seconds" -> o.streamSeconds = Integer.parseInt(v);
                case "stream-interval-ms" -> o.streamIntervalMs = Integer.parseInt(v);
                case "stream-open-rate" -> o.streamOpenRate = Integer.parseInt(v);
                case "probe-ms" -> o.probeMs = Long.parseLong(v);
                case "probe-timeout-ms" -> o.probeTimeoutMs = Long.parseLong(v);
                case "streams-heap" -> o.streamsHeap = v;
                case "streams-variants" -> o.streamVariants = List.of(v.split(","));
                default -> throw new IllegalArgumentException("unknown option --" + e.getKey() + "\n" + usage());
            }
        }
        if (o.mode.equals("streams")) {
            positive("--stream-seconds", o.streamSeconds);
            positive("--stream-interval-ms", o.streamIntervalMs);
            positive("--stream-open-rate", o.streamOpenRate);
            positive("--probe-ms", o.probeMs);
            positive("--probe-timeout-ms", o.probeTimeoutMs);
            for (int level : o.streamLevels) {
                positive("--streams-levels", level);
            }
        }
        if (o.virtualThreadJava == null) {
            if (Runtime.version().feature() >= 21 && o.contenderJava.equals(Path.of(System.getProperty("java.home")))) {
                o.virtualThreadJava = o.contenderJava;
            } else if (Files.isDirectory(Path.of("/usr/lib/jvm/temurin-25-jdk-amd64"))) {
                o.virtualThreadJava = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
            }
        }
        return o;
    }

    private static void positive(String option, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + "=" + value + ": must be a positive number");
        }
    }

    boolean wants(String contender) {
        return only.isEmpty() || only.contains(contender);
    }

    boolean runsScenario(Scenario s) {
        return scenarios.isEmpty() || scenarios.contains(s.id);
    }

    boolean runs(String phase) {
        return !skip.contains(phase);
    }

    /** The flags every contender JVM gets. */
    List<String> contenderFlags() {
        return contenderFlags(heap);
    }

    List<String> contenderFlags(String heapSize) {
        return new ArrayList<>(List.of("-Xms" + heapSize, "-Xmx" + heapSize, "-XX:+UseG1GC", "-XX:+AlwaysPreTouch"));
    }

    /** Events per stream so that every stream of a level is open at once for {@code heldEvents - 1} seconds or more. */
    int eventsFor(int streams) {
        return (streams + openRate - 1) / openRate + heldEvents;
    }

    /** The 10,000 streams when descriptors allow, else the most that fit. */
    static int[] rampLevelsWithin(long openFiles) {
        int fit = (int) Math.min(10_000, (openFiles - FD_RESERVE) / 2 / 100 * 100);
        return java.util.stream.IntStream.of(100, 400, 1000, 2000, 4000, 8000, fit)
                .filter(l -> l <= fit).distinct().sorted().toArray();
    }

    /** Descriptors the proxy JVM keeps besides its streams: jars, epoll, logs, the admin endpoint. */
    static final int FD_RESERVE = 400;

    /**
     * A stream costs the proxy two descriptors (the client's socket and the upstream's), so the hard limit on open
     * files, which a child JVM raises its soft limit to, bounds the ramp.
     *
     * @return the hard "Max open files" of this process, or a large number when it cannot be read
     */
    static long openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String hard = line.substring("Max open files".length()).trim().split("\\s+")[1];
                    return hard.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(hard);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: assume the levels fit
        }
        return Long.MAX_VALUE;
    }
}
