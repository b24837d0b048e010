package dev.streamproxy.benchmark.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.servers.PatternData;

/**
 * What an idle WebSocket tunnel costs the proxy: a full GC in the proxy JVM, N WebSocket connections opened one after
 * the other through it and left idle, another full GC once the proxy counts them all open, then heap used, platform
 * threads and resident memory after minus before, divided by N. Then every connection must still echo one small
 * message, every one is closed with the closing handshake, and the proxy's count of open tunnels
 * ({@code RouteStatistics.openTunnels()}) must come back to 0; a second later, a last full GC, the proxy's open file
 * descriptors and its client connections left in CLOSE-WAIT (the client closed, the proxy never did) show whether
 * everything was released. nginx has no heap: its resident memory (master and workers) is the figure. Every wait is
 * bounded.
 */
public final class IdleTunnels {

    private static final byte[] SMALL = WebSocketConnection.frame(WebSocketConnection.BINARY, PatternData.source(), 0, 32);
    private static final long WAIT_MS = 5_000;

    /**
     * One measurement. Heap and threads are -1 without an admin endpoint (nginx); the proxy's open-tunnel counts are
     * -1 where it keeps none ({@code openTunnelsBefore}: left from earlier phases, 0 unless one leaked).
     * {@code echoed}: connections that echoed a message after the measurement; {@code closedCleanly}: those whose
     * closing handshake completed; {@code drainMs}: from the first close frame sent until the proxy counted no open
     * tunnel (-1 when it never did within 5 s); {@code fdsLeft}: open file descriptors a second after that minus
     * before; {@code closeWaitLeft}: client connections of the proxy's port in CLOSE-WAIT then, minus before.
     */
    public record Result(int rep, String contender, String jdk, int tunnels, int opened, double openSeconds,
                         long heapBefore, long heapOpen, long heapClosed, long threadsBefore, long threadsOpen,
                         long threadsClosed, long rssBefore, long rssOpen, long openTunnelsBefore, long openTunnelsSeen,
                         long openTunnelsAfter, int echoed, int closedCleanly, double drainMs, long fdsLeft,
                         long closeWaitLeft, String firstError) {

        /** Whether the proxy held every tunnel open when measured (nginx keeps no count: taken as yes). */
        public boolean held() {
            return openTunnelsSeen < 0 || openTunnelsSeen >= opened;
        }

        public double heapKiBPerTunnel() {
            return heapBefore < 0 || opened == 0 ? Double.NaN : (heapOpen - heapBefore) / 1024.0 / opened;
        }

        public double rssKiBPerTunnel() {
            return opened == 0 ? Double.NaN : (rssOpen - rssBefore) / 1024.0 / opened;
        }

        public double threadsPerTunnel() {
            return threadsBefore < 0 || opened == 0 ? Double.NaN : (double) (threadsOpen - threadsBefore) / opened;
        }

        /** Heap used after everything closed minus before the tunnels opened, in KiB (after full GCs both). */
        public double heapLeftKiB() {
            return heapBefore < 0 ? Double.NaN : (heapClosed - heapBefore) / 1024.0;
        }

        /** Everything opened, held, echoed, closed and released. */
        public boolean ok() {
            return opened == tunnels && held() && echoed == opened && openTunnelsBefore <= 0 && openTunnelsAfter <= 0
                    && fdsLeft <= 0 && closeWaitLeft == 0 && firstError == null;
        }
    }

    private IdleTunnels() {
    }

    public static Result measure(int rep, Contender c, String jdk, int tunnels) throws IOException, InterruptedException {
        boolean jvm = c.hasAdmin();
        Map<String, Long> before = jvm ? c.process().admin("/gc") : Map.of();
        long rssBefore = c.process().rssBytes();
        long fdsBefore = c.process().openFiles();
        long closeWaitBefore = closeWait(c.port());
        List<WebSocketConnection> open = new ArrayList<>(tunnels);
        String firstError = null;
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < tunnels; i++) {
                try {
                    open.add(WebSocketConnection.open(c.address(), c.pathPrefix() + EchoLoad.PATH, 1024, EchoLoad.READ_TIMEOUT_MS));
                } catch (IOException e) {
                    firstError = "opening tunnel " + (i + 1) + ": " + e;
                    break;
                }
            }
            double openSeconds = (System.nanoTime() - t0) / 1e9;
            int opened = open.size();
            long seen = jvm ? awaitOpenTunnels(c, n -> n >= opened) : -1;
            Thread.sleep(500);
            Map<String, Long> plateau = jvm ? c.process().admin("/gc") : Map.of();
            long rssOpen = c.process().rssBytes();

            int echoed = 0;
            for (WebSocketConnection w : open) {
                try {
                    w.echo(SMALL, PatternData.source(), 0, 32);
                    echoed++;
                } catch (IOException e) {
                    if (firstError == null) {
                        firstError = "echo after the idle period: " + e;
                    }
                }
            }
            long drainStart = System.nanoTime();
            for (WebSocketConnection w : open) {
                try {
                    w.sendClose();
                } catch (IOException e) {
                    // its closeCleanly below says so
                }
            }
            int clean = 0;
            for (WebSocketConnection w : open) {
                clean += w.closeCleanly() ? 1 : 0;
            }
            open.clear();
            long after = jvm ? awaitOpenTunnels(c, n -> n == 0) : -1;
            double drainMs = after == 0 ? (System.nanoTime() - drainStart) / 1e6 : -1;
            Thread.sleep(1000);
            Map<String, Long> closed = jvm ? c.process().admin("/gc") : Map.of();
            long fdsLeft = c.process().openFiles() - fdsBefore;
            return new Result(rep, c.id(), jdk, tunnels, opened, openSeconds, get(before, "heapUsed"),
                    get(plateau, "heapUsed"), get(closed, "heapUsed"), get(before, "threads"), get(plateau, "threads"),
                    get(closed, "threads"), rssBefore, rssOpen, get(before, "routeOpenTunnels"), seen, after, echoed,
                    clean, drainMs, fdsLeft, closeWait(c.port()) - closeWaitBefore, firstError);
        } finally {
            open.forEach(WebSocketConnection::close);
        }
    }

    private static long get(Map<String, Long> m, String key) {
        return m.getOrDefault(key, -1L);
    }

    /** Polls the proxy's open-tunnel count until {@code until} holds or 5 s pass; returns the last count seen. */
    private static long awaitOpenTunnels(Contender c, LongPredicate until) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
        long n = -1;
        while (System.nanoTime() < deadline) {
            n = c.process().admin("/stats").getOrDefault("routeOpenTunnels", -1L);
            if (n < 0 || until.test(n)) {
                return n;
            }
            Thread.sleep(50);
        }
        return n;
    }

    /** TCP connections whose local port is {@code port} in state CLOSE-WAIT, from /proc/net/tcp and tcp6 (-1 if unreadable). */
    static long closeWait(int port) {
        String local = String.format(":%04X", port);
        long n = 0;
        try {
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st ...; CLOSE_WAIT is 08
                    if (f.length > 3 && f[1].endsWith(local) && f[3].equals("08")) {
                        n++;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return n;
    }
}
