package dev.streamproxy.benchmark.report;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.load.CellResult;
import dev.streamproxy.benchmark.load.LargeResult;
import dev.streamproxy.benchmark.load.Scenario;

/**
 * The root README's Performance section, paste-ready: the chart, one compact table of the latest run (contenders as
 * columns), the caveat and the command. Links are relative to the repository root.
 */
final class Snippet {

    private final RunRecord run;
    private final Summary summary;

    Snippet(RunRecord run, Summary summary) {
        this.run = run;
        this.summary = summary;
    }

    String markdown(String targetsSummary) {
        StringBuilder md = new StringBuilder("## Performance\n\n");
        md.append("![requests/s relative to a direct connection](benchmark/results/throughput.png)\n\n");
        md.append("Latest full run of the [benchmark](benchmark/README.md) (").append(run.info.get("date"))
                .append("): every contender in its own JVM or process, one upstream, contenders interleaved, median of ")
                .append(run.reps).append(" repetitions. Full tables, spreads and raw numbers: ")
                .append("[benchmark/results/results.md](benchmark/results/results.md).\n\n");
        md.append("> **Small shared machine** (").append(run.info.get("cpus")).append("): the load generator, the ")
                .append("upstream and the proxy share 2 cores. Read the ratios, not the absolute numbers.\n\n");
        int top = run.concurrencies[run.concurrencies.length - 1];
        for (Scenario s : List.of(Scenario.POST_1M, Scenario.GET_1M, Scenario.GET_1K)) {
            StringBuilder line = new StringBuilder("- **" + s.title + ", " + top + " clients:** streamproxy (Jetty) at ");
            List<String> parts = new java.util.ArrayList<>();
            for (String peer : List.of("naive", "jetty-proxyservlet", "smiley", "nginx")) {
                Summary.Spread r = summary.ratio(s.id, top, Contender.STREAMPROXY, peer, CellResult::rps);
                if (r.present()) {
                    parts.add(String.format(Locale.ROOT, "%.2f×", r.median()) + " " + run.labels.get(peer));
                }
            }
            line.append(String.join(", ", parts)).append(" req/s");
            Summary.Spread alloc = summary.spread(s.id, top, Contender.STREAMPROXY, CellResult::allocBytesPerRequest);
            Summary.Spread naive = summary.ratio(s.id, top, Contender.STREAMPROXY, "naive", CellResult::allocBytesPerRequest);
            if (alloc.present()) {
                line.append(String.format(Locale.ROOT, "; %.1f KiB allocated per request in the proxy JVM", alloc.median() / 1024));
                if (naive.present()) {
                    line.append(String.format(Locale.ROOT, " (%.1f%% of the naive filter's)", 100 * naive.median()));
                }
            }
            md.append(line).append(".\n");
        }
        md.append('\n');
        md.append("| | ");
        for (String c : run.contenders) {
            md.append(run.labels.get(c)).append(" | ");
        }
        md.append("\n|---|").append("---|".repeat(run.contenders.size())).append('\n');
        int hi = run.concurrencies[run.concurrencies.length - 1];
        for (Scenario s : List.of(Scenario.POST_1M, Scenario.GET_1M, Scenario.GET_1K)) {
            for (int c : run.concurrencies) {
                row(md, s.title + ", " + c + " client" + (c == 1 ? "" : "s") + ": req/s",
                        id -> summary.spread(s.id, c, id, CellResult::rps).show("%.0f"));
            }
        }
        row(md, "1 KiB GET, " + hi + " clients: p99 ms", id -> summary.spread(Scenario.GET_1K.id, hi, id, r -> r.p99us() / 1000).show("%.1f"));
        row(md, "SSE time to first event, p50 ms", id -> summary.spread(Scenario.SSE_FIRST_EVENT.id, hi, id, r -> r.p50us() / 1000).show("%.1f"));
        if (!run.held.isEmpty()) {
            row(md, run.heldStreams + " long-lived SSE streams held (runs)", id -> {
                List<RunRecord.Held> hs = run.held.stream().filter(h -> h.contender().equals(id)).toList();
                return hs.isEmpty() ? "–" : hs.stream().filter(h -> h.result().pass()).count() + " of " + hs.size();
            });
        }
        row(md, "heap allocated per 1 MiB POST, KiB", id -> summary.spread(Scenario.POST_1M.id, hi, id, r -> r.allocBytesPerRequest() / 1024).show("%.1f"));
        if (!run.large.isEmpty()) {
            row(md, "peak heap above baseline, " + (run.large.get(0).bytes() >> 20) + " MiB upload, MiB", id -> Summary.Spread.of(
                    run.large.stream().filter(l -> l.contender().equals(id) && l.direction().equals("upload") && l.ok())
                            .mapToDouble(LargeResult::peakAboveBaseMiB).toArray()).show("%.0f"));
        }
        md.append('\n').append(targetsSummary).append('\n');
        md.append("Versions: ").append(run.info.get("versions")).append(". Contender JDK: ").append(run.info.get("contender JDK"))
                .append(", flags `").append(run.info.get("contender JVM flags").replace(" (the same for every contender JVM)", ""))
                .append("` for every JVM. Reproduce:\n\n```bash\nmvn -q -pl benchmark -am package -DskipTests && java -jar benchmark/target/benchmark.jar\n```\n");
        return md.toString();
    }

    private void row(StringBuilder md, String title, Function<String, String> cell) {
        md.append("| ").append(title).append(" | ");
        for (String c : run.contenders) {
            md.append(cell.apply(c)).append(" | ");
        }
        md.append('\n');
    }
}
