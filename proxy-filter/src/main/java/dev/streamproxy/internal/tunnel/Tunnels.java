package dev.streamproxy.internal.tunnel;

import dev.streamproxy.internal.client.PumpThreads;
import dev.streamproxy.internal.client.UpstreamConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.LongAdder;

/**
 * The open tunnels of one route: their threads, their idle timeout, their counters, and closing them all in
 * {@code destroy()}.
 *
 * <p>A tunnel's two pumps block on their reads, so each costs a thread while it lives: a virtual thread on JDK 21
 * and later (a few hundred bytes of stack while idle), a platform thread on JDK 17. Neither is a container thread:
 * the request that asked for the upgrade returns to the container as soon as the tunnel is set up.
 */
public final class Tunnels implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Tunnels.class);

    private final String name;
    private final long idleNanos;
    private final ExecutorService threads;
    private final Set<Tunnel> open = ConcurrentHashMap.newKeySet();
    private final LongAdder bytesUp = new LongAdder();
    private final LongAdder bytesDown = new LongAdder();

    /**
     * @param name        the filter's name, for thread names and log lines
     * @param idleTimeout {@code upgradeIdleTimeout}
     */
    public Tunnels(String name, Duration idleTimeout) {
        this.name = name;
        this.idleNanos = idleTimeout.toNanos();
        this.threads = PumpThreads.newExecutor(name, "tunnel");
    }

    /**
     * A tunnel over an upstream connection that answered {@code 101}; it starts when the container hands over the
     * client's side ({@link TunnelHandler}).
     *
     * @param label    the exchange's log label ({@code [api] <request id>})
     * @param upstream the connection, taken over from its exchange
     * @return the tunnel
     */
    public Tunnel open(String label, UpstreamConnection upstream) {
        upstream.keepOpenWhileIdle();
        Tunnel t = new Tunnel(this, label, upstream);
        open.add(t);
        return t;
    }

    void run(Runnable pump) {
        threads.execute(pump);
    }

    void transferred(boolean up, int n) {
        (up ? bytesUp : bytesDown).add(n);
    }

    void removed(Tunnel t) {
        open.remove(t);
    }

    /** Closes the tunnels idle for {@code upgradeIdleTimeout}; run periodically on the route's thread. */
    public void closeIdle() {
        long now = System.nanoTime();
        for (Tunnel t : open) {
            if (t.closeIfIdle(now, idleNanos)) {
                LOG.debug("[{}] an idle tunnel was closed after {} ms", name, idleNanos / 1_000_000);
            }
        }
    }

    /** @return how often {@link #closeIdle()} should run: a quarter of the timeout, 50 ms to 30 s */
    public Duration checkInterval() {
        return Duration.ofNanos(Math.max(50_000_000L, Math.min(idleNanos / 4, 30_000_000_000L)));
    }

    /** @return tunnels open now */
    public int openCount() {
        return open.size();
    }

    /** @return bytes from clients to upstreams, over every tunnel since start */
    public long bytesUp() {
        return bytesUp.sum();
    }

    /** @return bytes from upstreams to clients, over every tunnel since start */
    public long bytesDown() {
        return bytesDown.sum();
    }

    /** Closes every tunnel and stops their threads. */
    @Override
    public void close() {
        for (Tunnel t : open) {
            t.close("the filter is being destroyed");
        }
        threads.shutdownNow();
        try {
            // a moment for the threads to end (idle ones at once), so the container does not find them running
            threads.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
