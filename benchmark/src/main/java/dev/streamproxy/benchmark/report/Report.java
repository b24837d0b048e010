package dev.streamproxy.benchmark.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.load.CellResult;
import dev.streamproxy.benchmark.load.LargeResult;
import dev.streamproxy.benchmark.load.Scenario;
import dev.streamproxy.benchmark.load.SseFleet;

/**
 * Writes a run's results: {@code results.md} (tables, targets, machine), {@code raw.csv} (every measured window),
 * {@code sse.csv}, {@code large.csv}, and the PNG charts.
 */
public final class Report {

    private final RunRecord run;
    private final Summary summary;
    private final StringBuilder md = new StringBuilder();
    private String hugeCell = "not run: `--huge` mode writes `huge.md` | | not measured";

    public Report(RunRecord run) {
        this.run = run;
        this.summary = new Summary(run.cells);
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        writeCsv(dir);
        try {
            Charts.throughput(run, summary, dir.resolve("throughput.png"));
            Charts.allocation(run, summary, dir.resolve("allocation.png"));
        } catch (IOException | RuntimeException | Error e) {
            run.notes.add("charts not drawn: " + e);
        }
        Path huge = dir.resolve("huge.csv");
        if (Files.exists(huge)) {
            List<String> rows = Files.readAllLines(huge).stream().skip(1).toList();
            boolean ok = !rows.isEmpty() && rows.stream().allMatch(r -> r.contains(",true,"));
            List<String> jettyParts = new ArrayList<>();
            List<String> tomcatParts = new ArrayList<>();
            for (String r : rows) {
                String[] f = r.split(",");
                String part = f[1] + " " + f[3] + " s, peak heap " + f[5] + " MiB" + (f[7].equals("true") ? "" : " FAILED");
                (f[0].contains("tomcat") ? tomcatParts : jettyParts).add(part);
            }
            String jetty = String.join("; ", jettyParts);
            String tomcat = String.join("; ", tomcatParts);
            hugeCell = jetty + " | " + tomcat + " | " + (ok ? "**met** (checksums equal, see [huge.md](huge.md))" : "**missed**, see [huge.md](huge.md)");
        }
        header();
        int targetsStart = md.length();
        targets();
        String targetsTable = md.substring(targetsStart).replaceFirst("## Targets", "### Against the targets")
                .replace("](huge.md)", "](benchmark/results/huge.md)");
        throughputTables();
        sse();
        large();
        Files.writeString(dir.resolve("results.md"), md.toString());
        Files.writeString(dir.resolve("performance-snippet.md"), new Snippet(run, summary).markdown(targetsTable));
    }

    private void writeCsv(Path dir) throws IOException {
        List<String> raw = new ArrayList<>();
        raw.add(CellResult.csvHeader());
        run.cells.forEach(c -> raw.add(c.csv()));
        Files.write(dir.resolve("raw.csv"), raw);

        List<String> sse = new ArrayList<>();
        sse.add("kind,rep_or_variant,contender_or_settings,streams,completed,events_expected,events_received,"
                + "open_s,total_s,event_p50_ms,event_p99_ms,event_max_ms,first_event_wait_max_ms,pass,first_error,"
                + "heap_kib_per_stream");
        for (RunRecord.Held h : run.held) {
            sse.add(sseRow("held", Integer.toString(h.rep()), h.contender(), h.result()) + ",");
        }
        for (RunRecord.RampLevel l : run.ramp) {
            sse.add(sseRow("ramp", l.variant().replace(',', ';'), l.settings().replace(',', ';'), l.result()) + ","
                    + f1(l.heapKiBPerStream()));
        }
        Files.write(dir.resolve("sse.csv"), sse);

        List<String> large = new ArrayList<>();
        large.add("rep,contender,direction,bytes,seconds,peak_heap_mib,peak_above_base_mib,gc_count,ok,note");
        for (LargeResult l : run.large) {
            large.add(String.join(",", Integer.toString(l.rep()), l.contender(), l.direction(), Long.toString(l.bytes()),
                    f1(l.seconds()), f1(l.peakHeapMiB()), f1(l.peakAboveBaseMiB()), Long.toString(l.gcCount()),
                    Boolean.toString(l.ok()), l.note() == null ? "" : l.note().replace(',', ';')));
        }
        Files.write(dir.resolve("large.csv"), large);
        RunFiles.writeInfo(run, dir.resolve("run-info.tsv"));
    }

    private static String sseRow(String kind, String a, String b, SseFleet.Result r) {
        return String.join(",", kind, a, b, Integer.toString(r.streams()), Integer.toString(r.completed()),
                Long.toString(r.eventsExpected()), Long.toString(r.eventsReceived()), f1(r.openSeconds()),
                f1(r.seconds()), f1(r.eventP50Ms()), f1(r.eventP99Ms()), f1(r.eventMaxMs()),
                f1(r.firstEventWaitMaxMs()), Boolean.toString(r.pass()),
                r.firstError() == null ? "" : r.firstError().replace(',', ';'));
    }

    private void header() {
        md.append("# streamproxy benchmark results\n\n");
        md.append("> **Small shared machine.** The load generator, the upstream and the proxy under test share ")
                .append(run.info.getOrDefault("cpus", "?")).append(" CPU cores (and other builds may have been ")
                .append("running). Read the **ratios** (measured within the same repetition, contenders interleaved), ")
                .append("not the absolute numbers.\n\n");
        md.append("| | |\n|---|---|\n");
        run.info.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n"));
        md.append("\nFigures are the median over repetitions, with (min–max) when they differ. Latency is per ")
                .append("request as the client sees it (closed loop, keep-alive). *Proxy alloc* is heap allocated by ")
                .append("the proxy JVM (all threads, container included) during the measured window divided by the ")
                .append("requests completed; *proxy CPU* is the proxy process' user+system CPU per request; *ctx switches* are its ")
                .append("threads' voluntary and involuntary context switches per request (blocking hand-offs show here).\n\n")
                .append("![requests/s relative to direct](throughput.png)\n\n")
                .append("![heap allocated per request](allocation.png)\n\n");
        for (String n : run.notes) {
            md.append("- Note: ").append(n).append('\n');
        }
        if (!run.notes.isEmpty()) {
            md.append('\n');
        }
    }

    private void targets() {
        md.append("## Targets\n\n");
        md.append("The goals of issue 10 (performance, round two), in both containers. Ratios are per-repetition medians; ")
                .append("each cell: concurrency 1 / concurrency 16; the verdict takes the worst of both containers and ")
                .append("both concurrencies.\n\n");
        md.append("| target | streamproxy (Jetty) | streamproxy (Tomcat) | verdict (worst cell) |\n|---|---|---|---|\n");
        ratioTarget("≥ 1.2× Smiley req/s, 1 MiB GET", Scenario.GET_1M, "smiley", 1.2);
        ratioTarget("≥ nginx req/s, 1 MiB GET", Scenario.GET_1M, "nginx", 1.0);
        ratioTarget("≥ 1.5× Smiley req/s, 1 MiB POST", Scenario.POST_1M, "smiley", 1.5);
        ratioTarget("≥ nginx req/s, 1 MiB POST", Scenario.POST_1M, "nginx", 1.0);
        ratioTarget("≥ 1.3× Smiley req/s, 1 KiB GET", Scenario.GET_1K, "smiley", 1.3);
        ratioTarget("≥ 1.3× Jetty ProxyServlet req/s, 1 KiB GET", Scenario.GET_1K, "jetty-proxyservlet", 1.3);
        ratioTarget("≥ 0.7× nginx req/s, 1 KiB GET", Scenario.GET_1K, "nginx", 0.7);
        p99Target("p99 ≤ Smiley's, 1 KiB GET", "smiley");
        p99Target("p99 ≤ Jetty ProxyServlet's, 1 KiB GET", "jetty-proxyservlet");
        allocTarget(Scenario.POST_1M);
        allocTarget(Scenario.GET_1M);
        allocShareTarget();
        md.append("| 10 GiB up and down through `-Xmx32m`, checksums equal | ").append(hugeCell).append(" |\n\n");
        md.append("The SSE goal (10,000 streams on virtual threads, ≤ 64 KiB of live heap per stream) is the ramp's ")
                .append("table below.\n\n");
    }

    private void ratioTarget(String name, Scenario s, String peer, double goal) {
        if (!run.contenders.contains(peer)) {
            md.append("| ").append(name).append(" | ").append(peer).append(" not run | | – |\n");
            return;
        }
        StringBuilder row = new StringBuilder("| " + name + " | ");
        double worst = Double.NaN;
        for (String sp : List.of(Contender.STREAMPROXY, "streamproxy-tomcat")) {
            List<String> parts = new ArrayList<>();
            for (int c : run.concurrencies) {
                Summary.Spread r = summary.ratio(s.id, c, sp, peer, CellResult::rps);
                parts.add(r.show("%.2f×"));
                if (r.present()) {
                    worst = Double.isNaN(worst) ? r.median() : Math.min(worst, r.median());
                }
            }
            row.append(String.join(" / ", parts)).append(" | ");
        }
        row.append(verdict(worst, goal, true)).append(" |\n");
        md.append(row);
    }

    private void p99Target(String name, String peer) {
        if (!run.contenders.contains(peer)) {
            return;
        }
        StringBuilder row = new StringBuilder("| " + name + " | ");
        double worst = Double.NaN;
        for (String sp : List.of(Contender.STREAMPROXY, "streamproxy-tomcat")) {
            List<String> parts = new ArrayList<>();
            for (int c : run.concurrencies) {
                Summary.Spread mine = summary.spread(Scenario.GET_1K.id, c, sp, CellResult::p99us);
                Summary.Spread theirs = summary.spread(Scenario.GET_1K.id, c, peer, CellResult::p99us);
                parts.add(String.format(Locale.ROOT, "%.2f vs %.2f ms", mine.median() / 1000, theirs.median() / 1000));
                if (mine.present() && theirs.present()) {
                    double r = theirs.median() / mine.median();
                    worst = Double.isNaN(worst) ? r : Math.min(worst, r);
                }
            }
            row.append(String.join(" / ", parts)).append(" | ");
        }
        row.append(verdict(worst, 1.0, true)).append(" |\n");
        md.append(row);
    }

    private void allocShareTarget() {
        StringBuilder row = new StringBuilder("| ≤ 2% of naive's bytes allocated per request, 1 MiB POST | ");
        double worst = Double.NaN;
        for (String sp : List.of(Contender.STREAMPROXY, "streamproxy-tomcat")) {
            List<String> parts = new ArrayList<>();
            for (int c : run.concurrencies) {
                Summary.Spread r = summary.ratio(Scenario.POST_1M.id, c, sp, "naive", CellResult::allocBytesPerRequest);
                parts.add(r.present() ? String.format(Locale.ROOT, "%.2f%%", 100 * r.median()) : "–");
                if (r.present()) {
                    worst = Double.isNaN(worst) ? r.median() : Math.max(worst, r.median());
                }
            }
            row.append(String.join(" / ", parts)).append(" | ");
        }
        row.append(verdict(worst, 0.02, false)).append(" |\n");
        md.append(row);
    }

    private void allocTarget(Scenario s) {
        StringBuilder row = new StringBuilder("| ≤ 8 KiB allocated by the proxy JVM per request, " + s.title + " | ");
        double worst = Double.NaN;
        for (String sp : List.of(Contender.STREAMPROXY, "streamproxy-tomcat")) {
            List<String> parts = new ArrayList<>();
            for (int c : run.concurrencies) {
                Summary.Spread a = summary.spread(s.id, c, sp, CellResult::allocBytesPerRequest);
                parts.add(a.present() ? String.format(Locale.ROOT, "%.1f KiB", a.median() / 1024) : "–");
                if (a.present()) {
                    worst = Double.isNaN(worst) ? a.median() / 1024 : Math.max(worst, a.median() / 1024);
                }
            }
            row.append(String.join(" / ", parts)).append(" | ");
        }
        row.append(verdict(worst, 8, false)).append(" |\n");
        md.append(row);
    }

    /** "met" or "missed by N%" (how far the measured value is from the goal, relative to the goal). */
    static String verdict(double value, double goal, boolean higherIsBetter) {
        if (Double.isNaN(value)) {
            return "not measured";
        }
        boolean met = higherIsBetter ? value >= goal : value <= goal;
        double off = Math.abs(value - goal) / goal * 100;
        return met ? "**met**" : String.format(Locale.ROOT, "**missed** by %.0f%%", off);
    }

    private void throughputTables() {
        md.append("## Throughput and latency\n\n");
        for (Scenario s : List.of(Scenario.POST_1M, Scenario.GET_1M, Scenario.GET_1K)) {
            for (int c : run.concurrencies) {
                md.append("### ").append(s.title).append(", concurrency ").append(c).append("\n\n");
                md.append("| contender | req/s | × direct | × streamproxy | p50 ms | p99 ms | proxy alloc KiB/req | proxy CPU µs/req | proxy ctx switches/req | errors |\n");
                md.append("|---|---|---|---|---|---|---|---|---|---|\n");
                for (String id : run.contenders) {
                    if (!summary.has(s.id, c, id)) {
                        continue;
                    }
                    md.append("| ").append(run.labels.get(id))
                            .append(" | ").append(summary.spread(s.id, c, id, CellResult::rps).show("%.0f"))
                            .append(" | ").append(summary.ratio(s.id, c, id, Contender.DIRECT, CellResult::rps).show("%.2f"))
                            .append(" | ").append(summary.ratio(s.id, c, id, Contender.STREAMPROXY, CellResult::rps).show("%.2f"))
                            .append(" | ").append(summary.spread(s.id, c, id, r -> r.p50us() / 1000).show("%.2f"))
                            .append(" | ").append(summary.spread(s.id, c, id, r -> r.p99us() / 1000).show("%.2f"))
                            .append(" | ").append(summary.spread(s.id, c, id, r -> r.allocBytesPerRequest() / 1024).show("%.1f"))
                            .append(" | ").append(summary.spread(s.id, c, id, CellResult::cpuMicrosPerRequest).show("%.0f"))
                            .append(" | ").append(summary.spread(s.id, c, id, CellResult::contextSwitchesPerRequest).show("%.1f"))
                            .append(" | ").append(summary.errors(s.id, c, id)).append(" |\n");
                }
                md.append('\n');
            }
        }
    }

    private void sse() {
        md.append("## Server-sent events\n\n### Time to first event\n\n")
                .append("The upstream sends an event at once and a second 20 ms later; the figure is when the first ")
                .append("reaches the client. A proxy that buffers shows 20 ms or more.\n\n");
        md.append("| contender |");
        for (int c : run.concurrencies) {
            md.append(" c=").append(c).append(" p50 ms | c=").append(c).append(" p99 ms |");
        }
        md.append(" errors |\n|---|");
        md.append("---|---|".repeat(run.concurrencies.length)).append("---|\n");
        for (String id : run.contenders) {
            md.append("| ").append(run.labels.get(id)).append(" |");
            long errors = 0;
            for (int c : run.concurrencies) {
                md.append(' ').append(summary.spread(Scenario.SSE_FIRST_EVENT.id, c, id, r -> r.p50us() / 1000).show("%.2f"))
                        .append(" | ").append(summary.spread(Scenario.SSE_FIRST_EVENT.id, c, id, r -> r.p99us() / 1000).show("%.2f"))
                        .append(" |");
                errors += summary.errors(Scenario.SSE_FIRST_EVENT.id, c, id);
            }
            md.append(' ').append(errors).append(" |\n");
        }
        if (!run.held.isEmpty()) {
            md.append("\n### ").append(run.heldStreams).append(" concurrent long-lived streams\n\n")
                    .append(run.heldStreams).append(" streams opened at ").append(run.openRate).append("/s, each ")
                    .append(run.heldEvents).append(" events ").append(run.heldIntervalMs)
                    .append(" ms apart (so all are open together for 5 s or more). *Held* means every stream got ")
                    .append("every event, none waited over ").append(SseFleet.MAX_FIRST_EVENT_WAIT_MS)
                    .append(" ms for its first, and no event was over ").append(SseFleet.MAX_EVENT_LATENCY_MS)
                    .append(" ms late. Default container settings (200 platform threads).\n\n");
            md.append("| contender | held (runs) | streams complete | first-event wait max ms | event latency p99 ms | max ms | first problem |\n|---|---|---|---|---|---|---|\n");
            for (String id : run.contenders) {
                List<RunRecord.Held> hs = run.held.stream().filter(h -> h.contender().equals(id)).toList();
                if (hs.isEmpty()) {
                    continue;
                }
                long passed = hs.stream().filter(h -> h.result().pass()).count();
                String problem = hs.stream().map(h -> h.result().firstError()).filter(e -> e != null).findFirst().orElse("");
                md.append("| ").append(run.labels.get(id)).append(" | ").append(passed).append(" of ").append(hs.size())
                        .append(" | ").append(Summary.Spread.of(hs.stream().mapToDouble(h -> h.result().completed()).toArray()).show("%.0f"))
                        .append(" | ").append(Summary.Spread.of(hs.stream().mapToDouble(h -> h.result().firstEventWaitMaxMs()).toArray()).show("%.0f"))
                        .append(" | ").append(Summary.Spread.of(hs.stream().mapToDouble(h -> h.result().eventP99Ms()).toArray()).show("%.1f"))
                        .append(" | ").append(Summary.Spread.of(hs.stream().mapToDouble(h -> h.result().eventMaxMs()).toArray()).show("%.0f"))
                        .append(" | ").append(abbreviate(problem)).append(" |\n");
            }
        }
        if (!run.ramp.isEmpty()) {
            md.append("\n### How many concurrent streams one streamproxy holds\n\n")
                    .append(run.info.getOrDefault("ramp", "")).append("\n\n")
                    .append("| container, threads | settings | most streams held | heap per held stream, KiB | first level not held | why |\n|---|---|---|---|---|---|\n");
            List<String> variants = run.ramp.stream().map(RunRecord.RampLevel::variant).distinct().toList();
            for (String v : variants) {
                List<RunRecord.RampLevel> levels = run.ramp.stream().filter(l -> l.variant().equals(v)).toList();
                int best = levels.stream().filter(l -> l.result().pass()).mapToInt(RunRecord.RampLevel::streams).max().orElse(0);
                RunRecord.RampLevel fail = levels.stream().filter(l -> !l.result().pass()).findFirst().orElse(null);
                double kib = levels.stream().filter(l -> l.result().pass()).reduce((a, b) -> b)
                        .map(RunRecord.RampLevel::heapKiBPerStream).orElse(Double.NaN);
                md.append("| ").append(v).append(" | ").append(levels.get(0).settings()).append(" | ").append(best)
                        .append(" | ").append(Double.isNaN(kib) ? "–" : String.format(Locale.ROOT, "%.0f", kib))
                        .append(" | ").append(fail == null ? "none (ramp top reached)" : Integer.toString(fail.streams()))
                        .append(" | ").append(fail == null ? "" : abbreviate(why(fail.result()))).append(" |\n");
            }
        }
        md.append('\n');
    }

    private static String why(SseFleet.Result r) {
        return String.format(Locale.ROOT, "%d/%d complete, first-event wait max %.0f ms, event max %.0f ms; %s",
                r.completed(), r.streams(), r.firstEventWaitMaxMs(), r.eventMaxMs(), r.firstError() == null ? "" : r.firstError());
    }

    private static String abbreviate(String s) {
        String t = s.replace('|', '/').replace('\n', ' ');
        return t.length() > 140 ? t.substring(0, 140) + "…" : t;
    }

    private void large() {
        if (run.large.isEmpty()) {
            return;
        }
        long bytes = run.large.get(0).bytes();
        md.append("## Peak heap on a large streamed transfer (").append(bytes >> 20).append(" MiB, one request)\n\n")
                .append("Heap used by the proxy JVM sampled every 2 ms during the transfer, after a full GC; *above ")
                .append("baseline* is the peak minus the heap used just before. All JVMs run with the same heap flags.\n\n");
        md.append("| contender | upload peak MiB (above baseline) | download peak MiB (above baseline) | upload MB/s | download MB/s | problems |\n|---|---|---|---|---|---|\n");
        for (String id : run.contenders) {
            List<LargeResult> ls = run.large.stream().filter(l -> l.contender().equals(id)).toList();
            if (ls.isEmpty()) {
                continue;
            }
            md.append("| ").append(run.labels.get(id));
            for (String dir : List.of("upload", "download")) {
                List<LargeResult> d = ls.stream().filter(l -> l.direction().equals(dir) && l.ok()).toList();
                md.append(" | ").append(Summary.Spread.of(d.stream().mapToDouble(LargeResult::peakHeapMiB).toArray()).show("%.0f"))
                        .append(" (").append(Summary.Spread.of(d.stream().mapToDouble(LargeResult::peakAboveBaseMiB).toArray()).show("%.0f"))
                        .append(")");
            }
            for (String dir : List.of("upload", "download")) {
                List<LargeResult> d = ls.stream().filter(l -> l.direction().equals(dir) && l.ok()).toList();
                md.append(" | ").append(Summary.Spread.of(d.stream().mapToDouble(l -> l.bytes() / 1e6 / l.seconds()).toArray()).show("%.0f"));
            }
            String problems = String.join("; ", ls.stream().filter(l -> !l.ok()).map(l -> l.direction() + ": " + l.note()).distinct().toList());
            md.append(" | ").append(abbreviate(problems)).append(" |\n");
        }
        md.append('\n');
    }

    public static String f1(double d) {
        return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.1f", d);
    }

    public static Map<String, String> labels() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(Contender.DIRECT, "direct (no proxy)");
        m.put(Contender.STREAMPROXY, "streamproxy (Jetty 12)");
        m.put("streamproxy-tomcat", "streamproxy (Tomcat 11)");
        m.put("streamproxy-tomcat-64k", "streamproxy (Tomcat 11, 64 KiB socket buffers)");
        // the race names the commit in place of "baseline"
        m.put("streamproxy-jetty-baseline", "streamproxy baseline (Jetty 12)");
        m.put("streamproxy-tomcat-baseline", "streamproxy baseline (Tomcat 11)");
        m.put("naive", "naive filter (seed's old way)");
        m.put("jetty-proxyservlet", "Jetty ProxyServlet");
        m.put("smiley", "Smiley ProxyServlet 2.0");
        m.put("nginx", "nginx (tuned)");
        return m;
    }
}
