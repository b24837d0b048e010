package dev.streamproxy.benchmark.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.load.CellResult;
import dev.streamproxy.benchmark.load.EchoLoad;
import dev.streamproxy.benchmark.load.IdleTunnels;

/**
 * Writes what {@code --websocket} measured: {@code websocket.md} (machine, the echo tables per message size and
 * concurrency with ratios to direct, the idle-tunnel memory table), {@code websocket.csv} (every echo cell, one
 * "request" per message) and {@code websocket-idle.csv} (every idle-tunnel measurement).
 */
public final class WebSocketReport {

    private final RunRecord run;
    private final WebSocketRecord ws;
    private final Summary summary;
    private final StringBuilder md = new StringBuilder();

    public WebSocketReport(RunRecord run, WebSocketRecord ws) {
        this.run = run;
        this.ws = ws;
        this.summary = new Summary(run.cells);
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        header();
        if (!run.cells.isEmpty()) {
            overview();
            for (EchoLoad.Size size : EchoLoad.Size.values()) {
                for (int conc : run.concurrencies) {
                    echo(size, conc);
                }
            }
        }
        if (!ws.idle.isEmpty()) {
            idle();
        }
        Files.writeString(dir.resolve("websocket.md"), md.toString());
        writeCsv(dir);
    }

    private void header() {
        md.append("# WebSocket tunnels: echo throughput, round trip, memory per idle tunnel\n\n");
        md.append("> **Small shared machine.** The load generator, the upstream and the proxy under test share ")
                .append(run.info.getOrDefault("cpus", "?")).append(" CPU cores (and other builds may have been ")
                .append("running). Read the **ratios**, each computed within one repetition with the contenders ")
                .append("interleaved, not the absolute numbers.\n\n");
        run.appendInfoAndNotes(md);
    }

    private void overview() {
        md.append("## Messages per second against direct\n\n")
                .append("Each cell: a closed loop of binary messages, each sent when the echo of the one before has ")
                .append("arrived whole (checked byte for byte), one WebSocket connection per client. *× direct* is the ")
                .append("contender's messages/s divided by direct's in the same repetition; the median (min–max) over ")
                .append(run.reps).append(" repetition(s) is shown.\n\n| contender |");
        List<String> cols = new ArrayList<>();
        for (EchoLoad.Size size : EchoLoad.Size.values()) {
            for (int conc : run.concurrencies) {
                md.append(' ').append(size.title).append(", ").append(conc).append(conc == 1 ? " client |" : " clients |");
                cols.add(size.id + "@" + conc);
            }
        }
        md.append("\n|---|").append("---|".repeat(cols.size())).append('\n');
        for (String id : run.contenders) {
            if (id.equals(Contender.DIRECT)) {
                continue;
            }
            md.append("| ").append(label(id)).append(" |");
            for (String col : cols) {
                String[] p = col.split("@");
                md.append(' ').append(summary.ratio(p[0], Integer.parseInt(p[1]), id, Contender.DIRECT, CellResult::rps)
                        .show("%.2f×")).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private void echo(EchoLoad.Size size, int conc) {
        md.append("## ").append(size.title).append(", ").append(conc).append(conc == 1 ? " client" : " clients").append("\n\n");
        md.append("| contender | msgs/s | × direct | RTT p50 ms | RTT p99 ms | RTT p99.9 ms | proxy CPU µs/msg | ")
                .append("proxy alloc B/msg | proxy ctx switches/msg | errors |\n|---|---|---|---|---|---|---|---|---|---|\n");
        List<String> failures = new ArrayList<>();
        for (String id : run.contenders) {
            if (!summary.has(size.id, conc, id)) {
                continue;
            }
            long errors = summary.errors(size.id, conc, id);
            if (errors > 0) {
                summary.cells(size.id, conc, id).stream().map(CellResult::firstError).filter(e -> e != null).findFirst()
                        .ifPresent(e -> failures.add(label(id) + ": " + errors + " failed message(s); the first: `"
                                + e.replace("`", "'").replace("|", "/") + "`"));
            }
            if (summary.cells(size.id, conc, id).stream().allMatch(r -> r.requests() == 0)) {
                md.append("| ").append(label(id)).append(" | 0 | – | – | – | – | – | – | – | ").append(errors)
                        .append(" (every message failed) |\n");
                continue;
            }
            md.append("| ").append(label(id))
                    .append(" | ").append(show(size, conc, id, CellResult::rps, "%.0f"))
                    .append(" | ").append(id.equals(Contender.DIRECT) ? "1"
                            : summary.ratio(size.id, conc, id, Contender.DIRECT, CellResult::rps).show("%.2f"))
                    .append(" | ").append(show(size, conc, id, r -> r.p50us() / 1000, "%.3f"))
                    .append(" | ").append(show(size, conc, id, r -> r.p99us() / 1000, "%.3f"))
                    .append(" | ").append(show(size, conc, id, r -> r.p999us() / 1000, "%.3f"))
                    .append(" | ").append(show(size, conc, id, CellResult::cpuMicrosPerRequest, "%.1f"))
                    .append(" | ").append(show(size, conc, id, CellResult::allocBytesPerRequest, "%.0f"))
                    .append(" | ").append(show(size, conc, id, CellResult::contextSwitchesPerRequest, "%.2f"))
                    .append(" | ").append(errors).append(" |\n");
        }
        md.append('\n');
        failures.forEach(f -> md.append("- ").append(f).append('\n'));
        if (!failures.isEmpty()) {
            md.append('\n');
        }
    }

    private String show(EchoLoad.Size size, int conc, String id, ToDoubleFunction<CellResult> f, String format) {
        return summary.spread(size.id, conc, id, f).show(format);
    }

    private void idle() {
        String counts = String.join(" and ", ws.idle.stream().map(r -> String.format(Locale.ROOT, "%,d", r.tunnels()))
                .distinct().toList());
        md.append("## Memory per idle tunnel\n\n")
                .append(counts).append(" WebSocket connections (a row per count) opened one after the other through the proxy and ")
                .append("left idle. Proxy JVM: a full GC before they open and another once the proxy counts them all ")
                .append("open (`RouteStatistics.openTunnels()`), then *heap* = heap used after minus before, divided by ")
                .append("the tunnels; *platform threads* the same with the JVM's live platform threads (virtual threads ")
                .append("are not counted); *RSS* = resident memory of the process (nginx: master and workers) after minus ")
                .append("before: for the JVMs the heap is pre-touched, so this is memory outside the heap (thread stacks, ")
                .append("native buffers). Then every tunnel must still echo one 32 B message, all are closed with the ")
                .append("closing handshake, and the proxy's open-tunnel count must come back to 0 (*after close*, with ")
                .append("the time it took from the first close frame). A second later: *left after close* is heap used ")
                .append("after a full GC minus before (KiB), the proxy process' open file descriptors minus before, and ")
                .append("its client connections in CLOSE-WAIT (the client closed its side, the proxy never closed ")
                .append("its own) minus before. Each measurement runs in a proxy process started for it and warmed up ")
                .append("with a short echo load. Median (min–max) over the repetitions in which the proxy held every tunnel open; ")
                .append("a run in which it did not is counted in *runs* and marked.\n\n")
                .append("| contender | JDK | tunnels | heap KiB/tunnel | RSS KiB/tunnel | platform threads/tunnel | ")
                .append("proxy's open tunnels before / all open / after close | echoed after idling | closed cleanly | ")
                .append("drain ms | left after close: heap KiB / fds / CLOSE-WAIT | runs |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        Set<String> keys = new LinkedHashSet<>();
        ws.idle.forEach(r -> keys.add(r.contender() + "\u0000" + r.jdk() + "\u0000" + r.tunnels()));
        for (String key : keys) {
            String[] k = key.split("\u0000");
            List<IdleTunnels.Result> rs = ws.idle.stream().filter(r -> r.contender().equals(k[0])
                    && r.jdk().equals(k[1]) && Integer.toString(r.tunnels()).equals(k[2])).toList();
            // memory figures only from runs in which the proxy held every tunnel open while measured
            List<IdleTunnels.Result> held = rs.stream().filter(IdleTunnels.Result::held).toList();
            String notHeld = held.isEmpty() ? "– (not held open)" : null;
            md.append("| ").append(label(k[0])).append(" | ").append(k[1])
                    .append(" | ").append(spread(rs, r -> r.opened()).show("%.0f"))
                    .append(" | ").append(notHeld != null ? notHeld : spread(held, IdleTunnels.Result::heapKiBPerTunnel).show("%.1f"))
                    .append(" | ").append(notHeld != null ? notHeld : spread(held, IdleTunnels.Result::rssKiBPerTunnel).show("%.1f"))
                    .append(" | ").append(notHeld != null ? notHeld : spread(held, IdleTunnels.Result::threadsPerTunnel).show("%.2f"))
                    .append(" | ").append(String.join("; ", rs.stream().map(r -> count(r.openTunnelsBefore()) + " / "
                            + count(r.openTunnelsSeen()) + " / " + count(r.openTunnelsAfter())).toList()))
                    .append(" | ").append(String.join("; ", rs.stream().map(r -> r.echoed() + "/" + r.opened()).toList()))
                    .append(" | ").append(String.join("; ", rs.stream().map(r -> r.closedCleanly() + "/" + r.opened()).toList()))
                    .append(" | ").append(spread(rs, r -> r.drainMs() < 0 ? Double.NaN : r.drainMs()).show("%.0f"))
                    .append(" | ").append(spread(rs, IdleTunnels.Result::heapLeftKiB).show("%+.0f")).append(" / ")
                    .append(spread(rs, r -> r.fdsLeft()).show("%+.0f")).append(" / ")
                    .append(spread(rs, r -> r.closeWaitLeft()).show("%.0f"))
                    .append(" | ").append(rs.size()).append(problems(rs)).append(" |\n");
        }
        md.append('\n');
    }

    /** What went wrong in any of the runs, in bold, or nothing. */
    private static String problems(List<IdleTunnels.Result> rs) {
        Set<String> p = new LinkedHashSet<>();
        for (IdleTunnels.Result r : rs) {
            if (r.opened() < r.tunnels()) {
                p.add("not all opened");
            }
            if (!r.held()) {
                p.add("not held open");
            }
            if (r.echoed() < r.opened()) {
                p.add("echo failed after idling");
            }
            if (r.openTunnelsBefore() > 0 || r.openTunnelsAfter() > 0) {
                p.add("open-tunnel count not 0");
            }
            if (r.fdsLeft() > 0 || r.closeWaitLeft() > 0) {
                p.add("connections left open after close");
            }
        }
        return p.isEmpty() ? "" : " (**" + String.join("; ", p) + "**)";
    }

    private static Summary.Spread spread(List<IdleTunnels.Result> rs, ToDoubleFunction<IdleTunnels.Result> f) {
        return Summary.Spread.of(rs.stream().mapToDouble(f).toArray());
    }

    private static String count(long n) {
        return n < 0 ? "–" : Long.toString(n);
    }

    private void writeCsv(Path dir) throws IOException {
        List<String> cells = new ArrayList<>();
        cells.add(CellResult.csvHeader().replace("scenario,", "message,") + ",first_error");
        run.cells.forEach(c -> cells.add(c.csv() + "," + (c.firstError() == null ? "" : c.firstError().replace(',', ';'))));
        Files.write(dir.resolve("websocket.csv"), cells);

        List<String> idle = new ArrayList<>();
        idle.add("rep,contender,jdk,tunnels,opened,open_s,heap_before,heap_open,heap_closed,threads_before,threads_open,"
                + "threads_closed,rss_before,rss_open,heap_kib_per_tunnel,rss_kib_per_tunnel,threads_per_tunnel,"
                + "proxy_open_tunnels_before,proxy_open_tunnels_seen,proxy_open_tunnels_after_close,echoed,closed_cleanly,"
                + "drain_ms,fds_left,close_wait_left,ok,first_error");
        for (IdleTunnels.Result r : ws.idle) {
            idle.add(String.join(",", Integer.toString(r.rep()), r.contender(), r.jdk(), Integer.toString(r.tunnels()),
                    Integer.toString(r.opened()), Report.f1(r.openSeconds()), Long.toString(r.heapBefore()),
                    Long.toString(r.heapOpen()), Long.toString(r.heapClosed()), Long.toString(r.threadsBefore()),
                    Long.toString(r.threadsOpen()), Long.toString(r.threadsClosed()), Long.toString(r.rssBefore()),
                    Long.toString(r.rssOpen()), Report.f1(r.heapKiBPerTunnel()), Report.f1(r.rssKiBPerTunnel()),
                    Double.isNaN(r.threadsPerTunnel()) ? "" : String.format(Locale.ROOT, "%.3f", r.threadsPerTunnel()), Long.toString(r.openTunnelsBefore()),
                    Long.toString(r.openTunnelsSeen()), Long.toString(r.openTunnelsAfter()), Integer.toString(r.echoed()),
                    Integer.toString(r.closedCleanly()), Report.f1(r.drainMs()), Long.toString(r.fdsLeft()),
                    Long.toString(r.closeWaitLeft()), Boolean.toString(r.ok()),
                    r.firstError() == null ? "" : r.firstError().replace(',', ';')));
        }
        Files.write(dir.resolve("websocket-idle.csv"), idle);
    }

    private String label(String id) {
        return run.labels.getOrDefault(id, id);
    }
}
