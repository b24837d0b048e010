package dev.streamproxy.it.tunnel;

import dev.streamproxy.it.support.Await;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 500 tunnels at once on one route ({@code many}): each echoes, then all close, and nothing is left behind: no open
 * tunnel in the route's statistics, no pump thread, no connection the upstream still sees open, no socket the container
 * still holds, no pooled connection leased. Opening is bounded (50 handshakes in flight) and every wait has a
 * deadline. What the tunnels cost while open (threads, heap, resident memory of the whole JVM: client, container,
 * filter and upstream together) is printed to the test's output.
 */
class ManyTunnelsIT {

    private static final int TUNNELS = 500;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TunnelTest
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void fiveHundredConcurrentTunnelsEchoAndLeaveNothingBehind(TunnelApp app) throws Exception {
        Cost before = Cost.now();
        List<WsClient> clients = new ArrayList<>(TUNNELS);
        try {
            Semaphore handshakes = new Semaphore(50);
            List<CompletableFuture<WsClient>> opening = new ArrayList<>(TUNNELS);
            for (int i = 0; i < TUNNELS; i++) {
                if (!handshakes.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("handshakes stalled at " + i);
                }
                opening.add(WsClient.connectAsync(app.wsUri("/ctx/many/t" + i))
                        .whenComplete((c, e) -> handshakes.release()));
            }
            for (CompletableFuture<WsClient> f : opening) {
                clients.add(f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            }
            Await.until(WAIT, TUNNELS + " tunnels open", () -> app.statistics("many").openTunnels() == TUNNELS
                    && app.ws().openCount() == TUNNELS, () -> app.statistics("many").openTunnels() + " tunnels, "
                    + app.ws().openCount() + " upstream connections");
            // a tunnel is counted open before its second pump has started
            Await.until(WAIT, "two pumps per tunnel", () -> TunnelThreads.pumps().size() == 2 * TUNNELS,
                    () -> TunnelThreads.pumps().size() + " pump threads");
            int pumps = TunnelThreads.pumps().size();
            Cost open = Cost.now();
            System.out.printf("%d tunnels open: %d pump threads (%d named streamproxy-many-tunnel-*), "
                            + "JVM threads %+d, heap %+d KiB, RSS %+d KiB (client, container, filter and upstream)%n",
                    TUNNELS, pumps, TunnelThreads.named("many"), open.threads - before.threads,
                    (open.heap - before.heap) / 1024, open.rssKiB - before.rssKiB);
            assertEquals(2 * TUNNELS, pumps, "two pumps per tunnel");

            List<CompletableFuture<?>> sends = new ArrayList<>(TUNNELS);
            for (int i = 0; i < TUNNELS; i++) {
                sends.add(clients.get(i).socket().sendText("message " + i, true));
            }
            CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0]))
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            for (int i = 0; i < TUNNELS; i++) {
                assertEquals("message " + i, clients.get(i).takeMessage(), "tunnel " + i);
            }

            List<CompletableFuture<?>> closes = new ArrayList<>(TUNNELS);
            for (WsClient c : clients) {
                closes.add(c.socket().sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done"));
            }
            CompletableFuture.allOf(closes.toArray(new CompletableFuture<?>[0]))
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            for (int i = 0; i < TUNNELS; i++) {
                assertEquals(new WsClient.Closed(1000, "done"), clients.get(i).awaitClosed(), "tunnel " + i);
            }
        } finally {
            for (WsClient c : clients) {
                c.close();
            }
        }
        long start = System.nanoTime();
        app.awaitNoTunnelLeft(WAIT);
        Cost after = Cost.now();
        System.out.printf("all closed and gone in %d ms: %d pump threads, %d idle streamproxy-many-tunnel-* threads "
                        + "left to the pool's keep-alive, JVM threads %+d, upstream connections open %d, "
                        + "upstream saw %d%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), TunnelThreads.pumps().size(),
                TunnelThreads.named("many"), after.threads - before.threads, app.ws().openCount(),
                app.ws().acceptedCount());
        assertEquals(0, app.statistics("many").openTunnels());
        assertEquals(0, app.proxy("many").poolStatistics().leased());
        assertTrue(app.statistics("many").tunnelBytesUp() > 0);
    }

    /** The JVM's threads, used heap after a GC, and resident memory. */
    private record Cost(int threads, long heap, long rssKiB) {
        static Cost now() throws Exception {
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long rss = -1;
            Path status = Path.of("/proc/self/status");
            if (Files.isReadable(status)) {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        rss = Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
            }
            return new Cost(Thread.activeCount(), heap, rss);
        }
    }
}
