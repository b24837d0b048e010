package dev.streamproxy.benchmark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.streamproxy.benchmark.contenders.ChildProcess;
import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.contenders.Launcher;
import dev.streamproxy.benchmark.load.SseFleet;
import dev.streamproxy.benchmark.report.RunRecord;
import dev.streamproxy.benchmark.servers.ContenderServer;

/**
 * How many concurrent long-lived SSE streams one streamproxy JVM holds with every event delivered, per container
 * and thread model, on a JDK with virtual threads. Each variant climbs the levels until one is not held; the pool
 * (maxConnections) is set above the top level so that only the container's threads limit it.
 */
final class Ramp {

    /** A container set-up to try. */
    record Variant(String label, String container, String threads, List<String> args) {
    }

    private final Options o;
    private final RunRecord run;
    private final Launcher launcher;
    private final Progress progress;

    Ramp(Options o, RunRecord run, Launcher launcher, Progress progress) {
        this.o = o;
        this.run = run;
        this.launcher = launcher;
        this.progress = progress;
    }

    static List<Variant> variants(boolean full) {
        List<Variant> v = new ArrayList<>();
        v.add(new Variant("Jetty 12, platform threads", "jetty", "platform", List.of()));
        if (full) {
            v.add(new Variant("Jetty 12, platform threads, maxThreads=4000", "jetty", "platform", List.of("maxThreads=4000")));
        }
        v.add(new Variant("Jetty 12, VirtualThreadPool (default: 200 concurrent tasks)", "jetty", "virtual", List.of()));
        v.add(new Variant("Jetty 12, VirtualThreadPool, maxConcurrentTasks=0 (no cap)", "jetty", "virtual", List.of("maxTasks=0")));
        if (full) {
            v.add(new Variant("Jetty 12, QueuedThreadPool + virtual-threads executor", "jetty", "qtp-virtual", List.of()));
        }
        v.add(new Variant("Tomcat 11, platform threads", "tomcat", "platform", List.of()));
        v.add(new Variant("Tomcat 11, virtual threads (useVirtualThreads)", "tomcat", "virtual", List.of()));
        return v;
    }

    void run(int upstreamPort) throws IOException {
        if (o.virtualThreadJava == null) {
            run.notes.add("no JDK 21+ found for the virtual-thread ramp (--vt-java); skipped");
            return;
        }
        int top = o.rampLevels[o.rampLevels.length - 1];
        long openFiles = Options.openFilesLimit();
        if (o.mode.equals("full") && top < 10_000) {
            run.notes.add(String.format(Locale.ROOT, "The SSE ramp stops at %d streams, not 10,000: a stream holds two "
                    + "descriptors in the proxy JVM (the client's socket and the upstream's), and this machine's hard "
                    + "limit on open files is %d per process (raising it needs privileges the benchmark does not have).",
                    top, openFiles));
        }
        Launcher vt = launcher.with(o.virtualThreadJava, o.contenderFlags(o.rampHeap));
        String jdk = vt.javaVersion();
        run.info.put("ramp JDK", jdk);
        run.info.put("ramp", String.format(Locale.ROOT,
                "Levels %s streams, opened at %d/s, each with events %d ms apart until %d s after the last opened; "
                        + "JDK: %s, flags: %s, streamproxy maxConnections=%d. A level is held when every stream got "
                        + "every event, none waited over %d ms for its first event and none was over %d ms late. The "
                        + "climb stops at the first level not held. Heap per held stream: heap used after a full GC while "
                        + "every stream of the highest level held is open, minus the same before the level, divided by "
                        + "its streams (live memory: the container's and HttpClient's per-connection buffers, the "
                        + "exchange's copy buffer, the thread's stack when virtual).",
                java.util.Arrays.toString(o.rampLevels), o.openRate, o.rampIntervalMs, o.heldEvents - 1, jdk,
                String.join(" ", vt.jvmFlags()), top * 2, SseFleet.MAX_FIRST_EVENT_WAIT_MS,
                SseFleet.MAX_EVENT_LATENCY_MS));
        for (Variant v : variants(o.mode.equals("full"))) {
            String label = v.label().toLowerCase(Locale.ROOT);
            if (!o.rampVariants.isEmpty() && o.rampVariants.stream().noneMatch(label::contains)) {
                continue;
            }
            List<String> args = new ArrayList<>(v.args());
            args.add("maxConnections=" + top * 2);
            String settings = String.join(" ", args) + ", threads=" + v.threads();
            try (ChildProcess p = vt.contender("ramp-" + v.container() + "-" + v.threads() + (v.args().isEmpty() ? "" : "-tuned"),
                    upstreamPort, "streamproxy", v.container(), v.threads(), args, List.of())) {
                Contender c = new Contender("ramp", v.label(), p.port(), ContenderServer.PREFIX, p, true);
                // warm the path a little so the first level does not measure class loading
                SseFleet.run(c.address(), c.pathPrefix(), 50, 2, 100, o.openRate, Race.budget(50, 2, 100));
                for (int level : o.rampLevels) {
                    int events = o.eventsFor(level);
                    long before = p.admin("/gc").get("heapUsed");
                    // live heap while every stream is open: a full GC 2 s after the last stream opened
                    long plateauMs = 1000L * level / o.openRate + 2000;
                    java.util.concurrent.CompletableFuture<java.util.Map<String, Long>> plateau =
                            java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                                try {
                                    Thread.sleep(plateauMs);
                                    return p.admin("/gc");
                                } catch (IOException | InterruptedException e) {
                                    return java.util.Map.of();
                                }
                            });
                    SseFleet.Result r = SseFleet.run(c.address(), c.pathPrefix(), level, events, o.rampIntervalMs,
                            o.openRate, Race.budget(level, events, o.rampIntervalMs));
                    double kib = Double.NaN;
                    long threads = -1;
                    try {
                        java.util.Map<String, Long> live = plateau.get(30, java.util.concurrent.TimeUnit.SECONDS);
                        if (live.containsKey("heapUsed")) {
                            kib = (live.get("heapUsed") - before) / 1024.0 / level;
                            threads = live.getOrDefault("threads", -1L);
                        }
                        p.admin("/stats");
                    } catch (IOException | InterruptedException | java.util.concurrent.ExecutionException
                             | java.util.concurrent.TimeoutException e) {
                        r = new SseFleet.Result(r.streams(), r.completed(), r.failed(), r.eventsExpected(), r.eventsReceived(),
                                r.openSeconds(), r.seconds(), r.eventP50Ms(), r.eventP99Ms(), r.eventMaxMs(),
                                r.firstEventWaitMaxMs(), false, "proxy JVM unresponsive after the level (see its log): " + e);
                    }
                    run.ramp.add(new RunRecord.RampLevel(v.label(), settings, level, r, kib));
                    progress.say(String.format(Locale.ROOT, "ramp %-55s %5d streams: %s (%d complete, first-event wait max %.0f ms, event p99 %.1f ms, max %.0f ms, open %.1f s, %d platform threads at plateau, %.0f KiB live heap/stream)%s",
                            v.label(), level, r.pass() ? "held" : "NOT held", r.completed(), r.firstEventWaitMaxMs(),
                            r.eventP99Ms(), r.eventMaxMs(), r.openSeconds(), threads, kib, r.firstError() == null ? "" : " " + r.firstError()));
                    Race.settle();
                    if (!r.pass() || !p.alive()) {
                        break;
                    }
                }
            } catch (IOException e) {
                run.notes.add("ramp variant " + v.label() + " failed to run: " + e.getMessage());
                progress.say("ramp " + v.label() + " failed: " + e);
            }
        }
    }
}
