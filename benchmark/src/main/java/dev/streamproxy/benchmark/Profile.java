package dev.streamproxy.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import dev.streamproxy.benchmark.contenders.ChildProcess;
import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.contenders.Launcher;
import dev.streamproxy.benchmark.load.CellResult;
import dev.streamproxy.benchmark.load.LoadRunner;
import dev.streamproxy.benchmark.load.Scenario;
import dev.streamproxy.benchmark.report.JfrBreakdown;
import dev.streamproxy.benchmark.report.RunRecord;
import dev.streamproxy.benchmark.servers.ContenderServer;

/**
 * {@code --profile}: for each streamproxy contender and each closed-loop scenario, a JFR recording (settings=profile)
 * of exactly one measured window, started and stopped with jcmd, broken down by {@link JfrBreakdown} and scaled
 * by the allocation per request the admin endpoint measured in the same window. Writes {@code profile.md}.
 */
final class Profile {

    private Profile() {
    }

    static void run(Options o, RunRecord run, Launcher launcher, Progress progress) throws IOException, InterruptedException {
        StringBuilder md = new StringBuilder("# Where streamproxy's proxy JVM allocates\n\n");
        md.append("One JFR recording (`settings=profile`, Java stacks sampled every 1 ms, allocations sampled at every TLAB refill and every allocation outside a TLAB, weighted by bytes) per contender and ")
                .append("scenario, covering one measured window at concurrency 16 after warm-up. KiB/request is the ")
                .append("admin endpoint's measure for the same window; each line's KiB is its share of the samples ")
                .append("times that (sampling, so read it to about ±10%).\n\n");
        run.info.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        Path jcmd = launcher.javaHome().resolve("bin/jcmd");
        // the 'profile' settings, sampling Java stacks every 1 ms instead of 10 ms so one window gives enough samples
        Path jfc = run.logDir.resolve("profile-1ms.jfc").toAbsolutePath();
        Files.writeString(jfc, Files.readString(launcher.javaHome().resolve("lib/jfr/profile.jfc"))
                .replace("control=\"method-sampling-java-interval\">10 ms<", "control=\"method-sampling-java-interval\">1 ms<")
                // every TLAB refill and every allocation outside a TLAB: many more samples than the throttled
                // jdk.ObjectAllocationSample, each weighted by the bytes it stands for
                .replace("<event name=\"jdk.ObjectAllocationInNewTLAB\">\n      <setting name=\"enabled\" control=\"gc-enabled-high\">false<",
                        "<event name=\"jdk.ObjectAllocationInNewTLAB\">\n      <setting name=\"enabled\" control=\"gc-enabled-high\">true<")
                .replace("<event name=\"jdk.ObjectAllocationOutsideTLAB\">\n      <setting name=\"enabled\" control=\"gc-enabled-high\">false<",
                        "<event name=\"jdk.ObjectAllocationOutsideTLAB\">\n      <setting name=\"enabled\" control=\"gc-enabled-high\">true<"));
        try (ChildProcess upstream = launcher.upstream()) {
            for (String[] j : new String[][] {{Contender.STREAMPROXY, "jetty"}, {"streamproxy-tomcat", "tomcat"}}) {
                if (!o.wants(j[0])) {
                    continue;
                }
                try (ChildProcess p = launcher.contender(j[0], upstream.port(), "streamproxy", j[1], "platform",
                        List.of("maxConnections=" + o.poolSize), List.of())) {
                    Contender c = new Contender(j[0], j[0], p.port(), ContenderServer.PREFIX, p, true);
                    for (Scenario s : List.of(Scenario.POST_1M, Scenario.GET_1M, Scenario.GET_1K)) {
                        LoadRunner.run(0, c, s, 16, Duration.ofMillis(o.initialWarmMs), Duration.ofMillis(o.initialWarmMs));
                    }
                    for (Scenario s : List.of(Scenario.POST_1M, Scenario.GET_1M, Scenario.GET_1K)) {
                        Path file = run.logDir.resolve(j[0] + "-" + s.id + ".jfr").toAbsolutePath();
                        jcmd(jcmd, p.pid(), "JFR.start", "name=bench", "settings=" + jfc);
                        CellResult r = LoadRunner.run(0, c, s, 16, Duration.ofMillis(o.warmMs), Duration.ofMillis(o.measureMs));
                        jcmd(jcmd, p.pid(), "JFR.stop", "name=bench", "filename=" + file);
                        double kib = r.allocBytesPerRequest() / 1024;
                        progress.say(String.format(Locale.ROOT, "profiled %s %s: %.0f req/s, %.1f KiB/req", j[0], s.title, r.rps(), kib));
                        md.append("\n## ").append(j[0]).append(", ").append(s.title).append(String.format(Locale.ROOT,
                                ": %.1f KiB allocated per request, %.0f req/s (while recording)%n%n```%n", kib, r.rps()));
                        md.append(JfrBreakdown.analyze(file, kib, 15)).append("```\n");
                    }
                }
            }
        }
        Files.createDirectories(o.out);
        Files.writeString(o.out.resolve("profile.md"), md.toString());
    }

    private static void jcmd(Path jcmd, long pid, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("jcmd failed: " + out);
        }
    }
}
