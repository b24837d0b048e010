package dev.streamproxy.benchmark;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.load.EchoLoad;
import dev.streamproxy.benchmark.load.IdleTunnels;
import dev.streamproxy.benchmark.report.WebSocketRecord;

/**
 * The memory half of {@code --websocket}: for each proxy and each count of {@code --idle-tunnels} (1,000 and 5,000 by
 * default), {@link IdleTunnels} with that many connections, {@code --idle-reps} times, the proxies' order rotating
 * each time. Each measurement runs in a proxy process of its
 * own, started for it and warmed up with a short echo load: a JVM that had tunnels before keeps their pump threads
 * (a cached pool keeps idle platform threads for 60 s) and would count them as free. Each result goes into the record
 * and onto the progress line.
 */
final class IdleTunnelMemory {

    /** Starts a fresh process of one contender; the caller closes it. */
    interface Starter {
        Contender start(String id, int rep) throws IOException, InterruptedException;
    }

    private final Options o;
    private final WebSocketRecord ws;
    private final Progress progress;

    IdleTunnelMemory(Options o, WebSocketRecord ws, Progress progress) {
        this.o = o;
        this.ws = ws;
        this.progress = progress;
    }

    void run(List<String> ids, String jdk, Starter starter) throws IOException, InterruptedException {
        for (int tunnels : o.idleTunnels) {
            for (int rep = 1; rep <= o.idleReps; rep++) {
                for (String id : Race.rotate(ids, rep)) {
                    Contender c = starter.start(id, rep);
                    try {
                        Duration warm = Duration.ofMillis(300);
                        EchoLoad.run(0, c, EchoLoad.Size.SMALL, 4, warm, warm);
                        measure(rep, c, id.equals("nginx") ? "–" : jdk, tunnels);
                    } finally {
                        c.process().close();
                    }
                }
            }
        }
    }

    private void measure(int rep, Contender c, String jdk, int tunnels) throws IOException, InterruptedException {
        if (!c.process().alive()) {
            progress.say("idle " + c.id() + " (" + jdk + "): the process has exited, see its log");
            return;
        }
        IdleTunnels.Result r = IdleTunnels.measure(rep, c, jdk, tunnels);
        ws.idle.add(r);
        progress.say(String.format(Locale.ROOT,
                "idle rep %d/%d %-19s %-12s %d/%d tunnels open in %.1f s, proxy counted %s open (%s before): "
                        + "%s KiB heap/tunnel, %.1f KiB RSS/tunnel, %s platform threads/tunnel; %d echoed after idling, "
                        + "%d closed cleanly, proxy count after close %s%s; left after close: heap %s KiB, %d fds, "
                        + "%d connections in CLOSE-WAIT%s",
                rep, o.idleReps, c.id(), r.jdk(), r.opened(), r.tunnels(), r.openSeconds(), count(r.openTunnelsSeen()),
                count(r.openTunnelsBefore()), fmt(r.heapKiBPerTunnel(), "%.1f"), r.rssKiBPerTunnel(),
                fmt(r.threadsPerTunnel(), "%.2f"), r.echoed(), r.closedCleanly(), count(r.openTunnelsAfter()),
                r.drainMs() < 0 ? "" : String.format(Locale.ROOT, " (%.0f ms)", r.drainMs()),
                fmt(r.heapLeftKiB(), "%+.0f"), r.fdsLeft(), r.closeWaitLeft(),
                r.firstError() == null ? "" : "; " + r.firstError()));
    }

    private static String fmt(double d, String format) {
        return Double.isNaN(d) ? "–" : String.format(Locale.ROOT, format, d);
    }

    private static String count(long n) {
        return n < 0 ? "–" : Long.toString(n);
    }
}
