package dev.streamproxy.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.streamproxy.benchmark.contenders.ChildProcess;
import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.contenders.Launcher;
import dev.streamproxy.benchmark.load.LargeResult;
import dev.streamproxy.benchmark.load.LargeTransfer;
import dev.streamproxy.benchmark.report.Report;
import dev.streamproxy.benchmark.report.RunRecord;
import dev.streamproxy.benchmark.servers.ContenderServer;

/**
 * {@code --huge}: 10 GiB uploaded and 10 GiB downloaded through a streamproxy JVM started with {@code -Xmx32m}, in
 * Jetty and in Tomcat, each checked with CRC32C at both ends. Writes {@code huge.md} and {@code huge.csv}.
 */
final class Huge {

    private Huge() {
    }

    static void run(Options o, RunRecord run, Launcher launcher, Progress progress) throws IOException {
        List<String> flags = new ArrayList<>();
        for (String f : launcher.jvmFlags()) {
            if (!f.startsWith("-Xmx") && !f.startsWith("-Xms") && !f.equals("-XX:+AlwaysPreTouch")) {
                flags.add(f);
            }
        }
        flags.add("-Xmx32m");
        Launcher small = launcher.with(launcher.javaHome(), flags);
        List<LargeResult> results = new ArrayList<>();
        List<String> maxHeap = new ArrayList<>();
        try (ChildProcess upstream = launcher.upstream()) {
            for (String container : List.of("jetty", "tomcat")) {
                try (ChildProcess p = small.contender("huge-" + container, upstream.port(), "streamproxy", container,
                        "platform", List.of(), List.of())) {
                    String id = "streamproxy-" + container;
                    Contender c = new Contender(id, id, p.port(), ContenderServer.PREFIX, p, true);
                    maxHeap.add(id + ": committed heap after start " + (p.admin("/stats").get("heapCommitted") >> 20) + " MiB");
                    LargeTransfer.measure(1, c, "download", 64L << 20); // warm-up
                    for (String direction : List.of("upload", "download")) {
                        progress.say(String.format(Locale.ROOT, "%s %d MiB through %s (-Xmx32m)...", direction, o.hugeBytes >> 20, id));
                        LargeResult r = LargeTransfer.measure(1, c, direction, o.hugeBytes);
                        results.add(r);
                        progress.say(String.format(Locale.ROOT, "  %s in %.1f s (%.0f MB/s), peak heap %.1f MiB, %d GCs%s",
                                r.ok() ? "checksums equal" : "FAILED", r.seconds(), r.bytes() / 1e6 / r.seconds(),
                                r.peakHeapMiB(), r.gcCount(), r.note() == null ? "" : ": " + r.note()));
                    }
                    Map<String, Long> s = p.admin("/stats");
                    maxHeap.add(id + ": committed heap at the end " + (s.get("heapCommitted") >> 20) + " MiB, "
                            + s.get("gcCount") + " GCs in all");
                }
            }
        }
        write(o, run, flags, results, maxHeap);
    }

    private static void write(Options o, RunRecord run, List<String> flags, List<LargeResult> results,
                              List<String> heapNotes) throws IOException {
        Files.createDirectories(o.out);
        List<String> csv = new ArrayList<>();
        csv.add("contender,direction,bytes,seconds,mb_per_s,peak_heap_mib,gc_count,checksums_equal,note");
        StringBuilder md = new StringBuilder("# 10 GiB through a -Xmx32m streamproxy JVM\n\n");
        boolean all = !results.isEmpty() && results.stream().allMatch(LargeResult::ok);
        md.append("verdict: ").append(all ? "met" : "MISSED").append("\n\n");
        run.info.forEach((k, v) -> {
            if (!k.equals("contender JVM flags") && !k.equals("settings") && !k.equals("mode")) {
                md.append("- ").append(k).append(": ").append(v).append('\n');
            }
        });
        md.append("- proxy JVM flags: `").append(String.join(" ", flags)).append("`\n\n");
        md.append("| contender | direction | GiB | seconds | MB/s | peak heap used MiB | GCs | CRC32C equal |\n|---|---|---|---|---|---|---|---|\n");
        for (LargeResult r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.0f | %.1f | %d | %s |%n", r.contender(),
                    r.direction(), r.bytes() / (double) (1L << 30), r.seconds(), r.bytes() / 1e6 / r.seconds(),
                    r.peakHeapMiB(), r.gcCount(), r.ok() ? "yes" : "NO: " + r.note()));
            csv.add(String.join(",", r.contender(), r.direction(), Long.toString(r.bytes()), Report.f1(r.seconds()),
                    Report.f1(r.bytes() / 1e6 / r.seconds()), Report.f1(r.peakHeapMiB()), Long.toString(r.gcCount()),
                    Boolean.toString(r.ok()), r.note() == null ? "" : r.note().replace(',', ';')));
        }
        md.append('\n');
        heapNotes.forEach(n -> md.append("- ").append(n).append('\n'));
        Files.writeString(o.out.resolve("huge.md"), md.toString());
        Files.write(o.out.resolve("huge.csv"), csv);
    }
}
