package dev.streamproxy.benchmark.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.streamproxy.benchmark.load.CellResult;
import dev.streamproxy.benchmark.load.FailoverLoop;
import dev.streamproxy.benchmark.load.Scenario;

/**
 * Writes what {@code --fleet} measured: {@code fleet.md} (the goals with verdicts, the overhead tables, the failover
 * runs), {@code fleet.csv} (every closed-loop cell with the requests per upstream), {@code fleet-failover.csv} (every
 * failover run) and {@code fleet-failures.csv} (every failed request of those runs, with where its id was found).
 */
public final class FleetReport {

    /** The overhead goal: a three-target route at least this fraction of its one-target req/s. */
    static final double OVERHEAD_GOAL = 0.95;

    private final RunRecord run;
    private final FleetRecord fleet;
    private final Summary summary;
    private final StringBuilder md = new StringBuilder();

    public FleetReport(RunRecord run, FleetRecord fleet) {
        this.run = run;
        this.fleet = fleet;
        this.summary = new Summary(fleet.cells.stream().map(FleetRecord.Cell::result).toList());
    }

    public void write(Path dir, int concurrency) throws IOException {
        Files.createDirectories(dir);
        header();
        goals(concurrency);
        overhead(concurrency);
        failover(concurrency);
        Files.writeString(dir.resolve("fleet.md"), md.toString());
        writeCsv(dir);
    }

    private void header() {
        md.append("# One route over three upstreams: overhead and failover\n\n");
        md.append("> **Small shared machine.** The load generator, three upstream JVMs and the proxy under test share ")
                .append(run.info.getOrDefault("cpus", "?")).append(" CPU cores (and other builds may have been ")
                .append("running). Read the **ratios**, each computed within one repetition with the contenders ")
                .append("interleaved, not the absolute numbers.\n\n");
        run.appendInfoAndNotes(md);
    }

    private void goals(int concurrency) {
        md.append("## Goals\n\n| goal | contender | measured | verdict |\n|---|---|---|---|\n");
        for (var b : fleet.baselines.entrySet()) {
            for (Scenario s : List.of(Scenario.GET_1K, Scenario.POST_1M)) {
                Summary.Spread r = summary.ratio(s.id, concurrency, b.getKey(), b.getValue(), CellResult::rps);
                md.append("| ≥ ").append(String.format(Locale.ROOT, "%.2f", OVERHEAD_GOAL)).append("× its one-target req/s, ")
                        .append(s.title).append(" | ").append(label(b.getKey())).append(" | ").append(r.show("%.3f×"))
                        .append(" | ").append(Report.verdict(r.median(), OVERHEAD_GOAL, true)).append(" |\n");
            }
        }
        for (String contender : fleet.failovers.stream().map(FleetRecord.Failover::contender).distinct().toList()) {
            for (Scenario s : List.of(Scenario.GET_1K, Scenario.POST_1M)) {
                List<FleetRecord.Failover> runs = fleet.failovers.stream()
                        .filter(f -> f.contender().equals(contender) && f.scenario().equals(s.id)).toList();
                if (runs.isEmpty()) {
                    continue;
                }
                boolean post = s == Scenario.POST_1M;
                long failed = runs.stream().mapToLong(f -> f.loop().failed()).sum();
                long unexcused = runs.stream().mapToLong(f -> f.unexcused(post)).sum();
                md.append("| ").append(post ? "failover, POST: errors only for requests that had reached the killed upstream"
                                : "failover, GET: no client-visible error")
                        .append(" | ").append(label(contender)).append(" | ").append(failed).append(" errors in ")
                        .append(runs.size()).append(" run(s)");
                if (post) {
                    md.append(", ").append(unexcused).append(" of them neither reached it nor were in flight when it died");
                }
                md.append(" | ").append(unexcused == 0 ? "**met**" : "**missed**").append(" |\n");
            }
        }
        md.append('\n');
    }

    private void overhead(int concurrency) {
        md.append("## Three targets against one\n\n")
                .append(concurrency).append(" clients, closed loop, keep-alive, one connection per client. Each three-target ")
                .append("contender's req/s is divided by its own one-target baseline's in the same repetition (")
                .append(String.join("; ", fleet.baselines.entrySet().stream()
                        .map(e -> label(e.getKey()) + " by " + label(e.getValue())).distinct().toList()))
                .append("), then the median (min–max) over ").append(run.reps).append(" repetition(s) is shown. ")
                .append("*Per upstream* is the share of the requests each upstream received during the cells (warm-up ")
                .append("included), summed over repetitions.\n\n");
        for (Scenario s : List.of(Scenario.GET_1K, Scenario.POST_1M)) {
            md.append("### ").append(s.title).append(", concurrency ").append(concurrency).append("\n\n");
            md.append("| contender | req/s | × its one target | p50 ms | p99 ms | proxy CPU µs/req | proxy alloc KiB/req | per upstream ")
                    .append(String.join(" / ", fleet.upstreams)).append(" | errors |\n|---|---|---|---|---|---|---|---|---|\n");
            for (String id : run.contenders) {
                if (!summary.has(s.id, concurrency, id)) {
                    continue;
                }
                String base = fleet.baselines.get(id);
                md.append("| ").append(label(id))
                        .append(" | ").append(summary.spread(s.id, concurrency, id, CellResult::rps).show("%.0f"))
                        .append(" | ").append(base == null ? "(baseline)" : summary.ratio(s.id, concurrency, id, base, CellResult::rps).show("%.3f"))
                        .append(" | ").append(summary.spread(s.id, concurrency, id, r -> r.p50us() / 1000).show("%.2f"))
                        .append(" | ").append(summary.spread(s.id, concurrency, id, r -> r.p99us() / 1000).show("%.2f"))
                        .append(" | ").append(summary.spread(s.id, concurrency, id, CellResult::cpuMicrosPerRequest).show("%.0f"))
                        .append(" | ").append(summary.spread(s.id, concurrency, id, r -> r.allocBytesPerRequest() / 1024).show("%.1f"))
                        .append(" | ").append(shares(id, s.id))
                        .append(" | ").append(summary.errors(s.id, concurrency, id)).append(" |\n");
            }
            md.append('\n');
        }
    }

    /** "33 / 34 / 33 %" of the requests the upstreams received during this contender's cells of the scenario. */
    private String shares(String contender, String scenario) {
        long[] sum = new long[fleet.upstreams.size()];
        for (FleetRecord.Cell c : fleet.cells) {
            if (c.result().contender().equals(contender) && c.result().scenario().equals(scenario)) {
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += Math.max(0, c.perUpstream()[i]);
                }
            }
        }
        long total = Arrays.stream(sum).sum();
        if (total == 0) {
            return "–";
        }
        List<String> parts = new ArrayList<>();
        for (long n : sum) {
            parts.add(String.format(Locale.ROOT, "%.0f", 100.0 * n / total));
        }
        return String.join(" / ", parts) + " %";
    }

    private void failover(int concurrency) {
        if (fleet.failovers.isEmpty()) {
            return;
        }
        FleetRecord.Failover first = fleet.failovers.get(0);
        md.append("## Failover: one of three upstreams killed mid-run\n\n")
                .append("A closed loop of ").append(concurrency)
                .append(" clients through the route over three upstreams, for ")
                .append(String.format(Locale.ROOT, "%.1f", first.loop().seconds())).append(" s; about ")
                .append(String.format(Locale.ROOT, "%.0f", first.loop().eventAtMs())).append(" ms in, one upstream process ")
                .append("is killed with SIGKILL (a crash, not a shutdown: the kernel resets its connections). Each request ")
                .append("carries a unique id that every upstream appends to its request log as it reads the request head, ")
                .append("so each failed request is known to have reached the killed upstream, or another, or none. A ")
                .append("*client-visible error* is any answer but a whole 200 (another status, a reset, a truncated body, ")
                .append("a stall over 15 s); after one the client reconnects after 5 ms. Before each run every upstream is ")
                .append("running and receiving requests through the proxy; after it the killed one is started again on its ")
                .append("port. Proxy defaults: streamproxy `maxRetries=2`, `maxFails=3`, `failTimeout=10s`, ")
                .append("`retryBufferSize=64KiB`, retries in flight at most a fifth of the exchanges in flight (at least 3); ")
                .append("nginx `proxy_next_upstream error timeout`, `max_fails=1 fail_timeout=10s`, no retry of a POST once ")
                .append("sent.\n\n")
                .append("Failed requests by how far they got: *reached it* (the killed upstream recorded the id), *in flight* ")
                .append("(no upstream recorded it and the client sent it before the killed process was gone: the proxy may ")
                .append("have sent it there and the process died before reading it), *sent after* (no upstream recorded it ")
                .append("and the client sent it after the process was gone: it cannot have reached it, e.g. a pooled ")
                .append("connection the kernel had already reset), *another* (only a live upstream recorded it). The POST ")
                .append("goal excuses *reached it* and *in flight*; the GET goal excuses nothing.\n\n");
        md.append("| proxy | scenario | run | killed at ms (gone at) | requests ok | errors | reached it | in flight | sent after | another | sent again after reaching it | proxy retries | errors from … to (ms after the kill) | p99 / max ms | errors by kind |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (FleetRecord.Failover f : fleet.failovers) {
            FailoverLoop.Result r = f.loop();
            String when = r.failures().isEmpty() ? "–" : String.format(Locale.ROOT, "%+.0f … %+.0f",
                    r.failures().get(0).startMs() - r.eventAtMs(),
                    r.failures().stream().mapToDouble(FailoverLoop.Failure::endMs).max().orElse(0) - r.eventAtMs());
            md.append("| ").append(label(f.contender())).append(" | ").append(title(f.scenario())).append(" | ").append(f.rep())
                    .append(" | ").append(f.victim()).append(String.format(Locale.ROOT, " at %.0f (%.0f)", r.eventAtMs(), r.eventDoneMs()))
                    .append(f.allServingBefore() ? "" : ", not all upstreams serving before")
                    .append(" | ").append(r.ok()).append(" | ").append(r.failed())
                    .append(" | ").append(f.failed(FleetRecord.Failover.KILLED))
                    .append(" | ").append(f.failed(FleetRecord.Failover.IN_FLIGHT))
                    .append(" | ").append(f.failed(FleetRecord.Failover.AFTER))
                    .append(" | ").append(f.failed(FleetRecord.Failover.OTHER))
                    .append(" | ").append(f.resent())
                    .append(" | ").append(f.retries() < 0 ? "–" : Long.toString(f.retries()))
                    .append(" | ").append(when)
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f / %.0f", r.p99Ms(), r.maxAnyMs()))
                    .append(" | ").append(f.kinds().replace('|', '/')).append(" |\n");
        }
        md.append("\n*Sent again after reaching it*: requests that both the killed upstream and another one recorded (a ")
                .append("retry after the request had been sent). *Proxy retries*: streamproxy's own count of tries after the ")
                .append("first during the run (failed connects included); nginx does not expose one. Every failed request, ")
                .append("with its id and timing, is in `fleet-failures.csv`; each proxy's own log (which target failed how, ")
                .append("which retries were refused) is in `logs/`.\n");
    }

    private void writeCsv(Path dir) throws IOException {
        List<String> cells = new ArrayList<>();
        cells.add(CellResult.csvHeader() + ",requests_per_upstream");
        for (FleetRecord.Cell c : fleet.cells) {
            cells.add(c.result().csv() + "," + String.join(";", Arrays.stream(c.perUpstream()).mapToObj(Long::toString).toList()));
        }
        Files.write(dir.resolve("fleet.csv"), cells);

        List<String> runs = new ArrayList<>();
        runs.add("rep,contender,scenario,killed,seconds,kill_at_ms,gone_at_ms,ok,failed,failed_reached_killed,failed_in_flight,"
                + "failed_sent_after,failed_reached_other,resent,proxy_retries,all_serving_before,p99_ms,max_ms,errors_by_kind");
        List<String> failures = new ArrayList<>();
        failures.add("rep,contender,scenario,killed,id,what,reached,start_ms_after_kill,end_ms_after_kill");
        for (FleetRecord.Failover f : fleet.failovers) {
            FailoverLoop.Result r = f.loop();
            runs.add(String.join(",", Integer.toString(f.rep()), f.contender(), f.scenario(), f.victim(),
                    Report.f1(r.seconds()), Report.f1(r.eventAtMs()), Report.f1(r.eventDoneMs()), Long.toString(r.ok()),
                    Long.toString(r.failed()), Long.toString(f.failed(FleetRecord.Failover.KILLED)),
                    Long.toString(f.failed(FleetRecord.Failover.IN_FLIGHT)), Long.toString(f.failed(FleetRecord.Failover.AFTER)),
                    Long.toString(f.failed(FleetRecord.Failover.OTHER)), Long.toString(f.resent()), Long.toString(f.retries()),
                    Boolean.toString(f.allServingBefore()), Report.f1(r.p99Ms()), Report.f1(r.maxAnyMs()),
                    f.kinds().replace(',', ';')));
            for (FailoverLoop.Failure x : r.failures()) {
                failures.add(String.join(",", Integer.toString(f.rep()), f.contender(), f.scenario(), f.victim(), x.id(),
                        x.what().replace(',', ';'), f.reached().getOrDefault(x.id(), ""),
                        Report.f1(x.startMs() - r.eventAtMs()), Report.f1(x.endMs() - r.eventAtMs())));
            }
        }
        Files.write(dir.resolve("fleet-failover.csv"), runs);
        Files.write(dir.resolve("fleet-failures.csv"), failures);
    }

    private String label(String id) {
        return run.labels.getOrDefault(id, id);
    }

    private static String title(String scenarioId) {
        for (Scenario s : Scenario.values()) {
            if (s.id.equals(scenarioId)) {
                return s.title;
            }
        }
        return scenarioId;
    }
}
