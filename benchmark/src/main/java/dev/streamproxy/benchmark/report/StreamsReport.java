package dev.streamproxy.benchmark.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.streamproxy.benchmark.load.Probe;
import dev.streamproxy.benchmark.load.StreamLevel;

/**
 * Writes what {@code --streams} measured: {@code streams.md} (machine and settings, one line per set-up with the most
 * streams it held and why the next level was not, then every level) and {@code streams.csv} (every level, every
 * figure).
 */
public final class StreamsReport {

    private final RunRecord run;
    private final List<StreamLevel.Result> levels;
    private final StringBuilder md = new StringBuilder();

    public StreamsReport(RunRecord run, List<StreamLevel.Result> levels) {
        this.run = run;
        this.levels = levels;
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        header();
        summary();
        details();
        Files.writeString(dir.resolve("streams.md"), md.toString());
        writeCsv(dir);
    }

    private void header() {
        md.append("# Many long-lived SSE streams through one streamproxy, containers' default thread pools\n\n");
        md.append("> **Small shared machine.** The load generator, the upstream and the proxy under test share ")
                .append(run.info.getOrDefault("cpus", "?")).append(" CPU cores (and other builds may have been ")
                .append("running). The counts of streams held and the probe's answers are the figures; latencies and ")
                .append("CPU seconds move with the machine's other load.\n\n");
        run.appendInfoAndNotes(md);
    }

    private void summary() {
        md.append("## Most streams held\n\n")
                .append("Per set-up: the highest level at which every stream was on time, and the first level that was ")
                .append("not (the climb stops there), with what the application's own page got meanwhile.\n\n")
                .append("| set-up | most streams held | first level not held | streams on time there | why | "
                        + "application page there: p99 ms, unanswered |\n|---|---|---|---|---|---|\n");
        for (String v : variants()) {
            List<StreamLevel.Result> rs = of(v);
            int best = rs.stream().filter(StreamLevel.Result::held).mapToInt(r -> r.settings().streams()).max().orElse(0);
            StreamLevel.Result fail = rs.stream().filter(r -> !r.held()).findFirst().orElse(null);
            md.append("| ").append(label(v)).append(" | ").append(best == 0 ? "none" : best).append(" | ");
            if (fail == null) {
                md.append("none (top level reached) | | | |\n");
                continue;
            }
            md.append(fail.settings().streams()).append(" | ").append(fail.onTime()).append(" of ")
                    .append(fail.settings().streams()).append(" | ").append(cell(fail.why())).append(" | ")
                    .append(probe(fail.probe().p99Ms(), fail.probe())).append(", ").append(fail.probe().unanswered()).append(" of ")
                    .append(fail.probe().sent()).append(" |\n");
        }
        md.append('\n');
    }

    private void details() {
        md.append("## Every level\n\n")
                .append("*On time*: status 200, every event, the first within twice the interval of the connect, no two ")
                .append("more than twice the interval apart. *First event*: from a stream's connect to its first event, ")
                .append("median and max over the streams that got one; *no event*: streams that got none before the ")
                .append("level ended. *Longest gap*: the most time between two events ")
                .append("of one stream. *Event latency*: upstream send to client receipt, over every event. *Probe*: the ")
                .append("application's own page, a new connection each time; an unanswered probe counts at its timeout ")
                .append("(a lower bound) in the percentiles. *Heap* and *RSS per stream*: a full GC and the resident ")
                .append("memory 2 s after the last stream was due to open, minus the same before the level, over the ")
                .append("level's streams (the heap is pre-touched, so RSS is memory outside the heap: thread stacks, ")
                .append("native buffers). *Platform threads*: the JVM's live platform threads then (virtual threads are ")
                .append("not counted). *CPU*: the proxy process' user + system seconds over the whole level (opening, ")
                .append("streaming, one full GC, the probes).\n\n");
        for (String v : variants()) {
            md.append("### ").append(label(v)).append("\n\n")
                    .append("| streams | held | on time | first event p50 / max ms | no event | longest gap ms | event ")
                    .append("latency p99 / max ms | probe p50 / p99 / max ms | probes unanswered (errors) / sent | heap ")
                    .append("KiB/stream | RSS KiB/stream | platform threads | CPU s |\n")
                    .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (StreamLevel.Result r : of(v)) {
                Probe.Result p = r.probe();
                md.append("| ").append(r.settings().streams()).append(" | ").append(r.held() ? "yes" : "**no**")
                        .append(" | ").append(r.onTime())
                        .append(" | ").append(f0(r.firstEventP50Ms())).append(" / ").append(f0(r.firstEventMaxMs()))
                        .append(" | ").append(r.noFirstEvent())
                        .append(" | ").append(f0(r.maxGapMs()))
                        .append(" | ").append(f1(r.fleet().eventP99Ms())).append(" / ").append(f0(r.fleet().eventMaxMs()))
                        .append(" | ").append(probe(p.p50Ms(), p)).append(" / ").append(probe(p.p99Ms(), p))
                        .append(" / ").append(probe(p.maxMs(), p))
                        .append(" | ").append(p.unanswered()).append(p.errors() > 0 ? " (" + p.errors() + ")" : "")
                        .append(" / ").append(p.sent())
                        .append(" | ").append(f1(r.heapKiBPerStream())).append(r.plateauAllOpen() ? "" : "¹")
                        .append(" | ").append(f1(r.rssKiBPerStream())).append(r.plateauAllOpen() ? "" : "¹")
                        .append(" | ").append(r.threads() < 0 ? "–" : Long.toString(r.threads()))
                        .append(" | ").append(f1(r.cpuSeconds())).append(" |\n");
            }
            md.append('\n');
            if (of(v).stream().anyMatch(r -> !r.plateauAllOpen())) {
                md.append("¹ the streams were shorter than their opening plus 3 s: some had ended when the heap was ")
                        .append("measured, so the figure per stream is too low.\n\n");
            }
        }
    }

    private void writeCsv(Path dir) throws IOException {
        List<String> rows = new ArrayList<>();
        rows.add("variant,label,streams,duration_ms,interval_ms,open_rate,held,on_time,first_late,no_first_event,gapped,"
                + "incomplete,first_event_p50_ms,first_event_max_ms,max_gap_ms,event_p50_ms,event_p99_ms,event_max_ms,"
                + "open_s,total_s,probes_sent,probes_answered,probes_unanswered,probe_errors,probe_p50_ms,probe_p99_ms,"
                + "probe_max_ms,heap_kib_per_stream,rss_kib_per_stream,platform_threads,cpu_s,plateau_all_open,first_error");
        for (StreamLevel.Result r : levels) {
            StreamLevel.Settings s = r.settings();
            Probe.Result p = r.probe();
            rows.add(String.join(",", r.variant(), csv(label(r.variant())), Integer.toString(s.streams()),
                    Integer.toString(s.durationMs()), Integer.toString(s.intervalMs()), Integer.toString(s.openRate()),
                    Boolean.toString(r.held()), Integer.toString(r.onTime()), Integer.toString(r.firstLate()),
                    Integer.toString(r.noFirstEvent()), Integer.toString(r.gapped()), Integer.toString(r.incomplete()),
                    Report.f1(r.firstEventP50Ms()), Report.f1(r.firstEventMaxMs()), Report.f1(r.maxGapMs()),
                    Report.f1(r.fleet().eventP50Ms()), Report.f1(r.fleet().eventP99Ms()),
                    Report.f1(r.fleet().eventMaxMs()), Report.f1(r.fleet().openSeconds()),
                    Report.f1(r.fleet().seconds()), Integer.toString(p.sent()), Integer.toString(p.answered()),
                    Integer.toString(p.unanswered()), Integer.toString(p.errors()), Report.f1(p.p50Ms()),
                    Report.f1(p.p99Ms()), Report.f1(p.maxMs()), Report.f1(r.heapKiBPerStream()),
                    Report.f1(r.rssKiBPerStream()), Long.toString(r.threads()), Report.f1(r.cpuSeconds()),
                    Boolean.toString(r.plateauAllOpen()), r.firstError() == null ? "" : csv(r.firstError())));
        }
        Files.write(dir.resolve("streams.csv"), rows);
    }

    /** A probe latency; "≥ 5000" when it is an unanswered probe's timeout (the max is one when any went unanswered). */
    private static String probe(double ms, Probe.Result p) {
        return (p.unanswered() > 0 && ms >= p.maxMs() ? "≥ " : "") + (ms < 10 ? f1(ms) : f0(ms));
    }

    private List<String> variants() {
        return levels.stream().map(StreamLevel.Result::variant).distinct().toList();
    }

    private List<StreamLevel.Result> of(String variant) {
        return levels.stream().filter(r -> r.variant().equals(variant)).toList();
    }

    private String label(String variant) {
        return run.labels.getOrDefault(variant, variant);
    }

    private static String cell(String s) {
        return s.replace('|', '/').replace('\n', ' ');
    }

    private static String csv(String s) {
        return s.replace(',', ';').replace('\n', ' ');
    }

    private static String f0(double d) {
        return Double.isNaN(d) ? "–" : String.format(Locale.ROOT, "%.0f", d);
    }

    private static String f1(double d) {
        return Double.isNaN(d) ? "–" : String.format(Locale.ROOT, "%.1f", d);
    }
}
