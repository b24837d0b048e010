package dev.streamproxy.internal.client;

import dev.streamproxy.PoolStatistics;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolEntry;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.core5.pool.StrictConnPool;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The keep-alive connections of one route, at most {@code maxPerEndpoint} per upstream endpoint: HttpCore's
 * {@link StrictConnPool} (exact limits, most recently used first) holding {@link UpstreamConnection}s that the
 * {@link Connector} opens on demand. A pooled connection is checked before reuse ({@link
 * UpstreamConnection#isReusable}); one that fails the check is closed and replaced.
 */
final class ConnectionPool implements AutoCloseable {

    /** An idle connection older than this is probed for a close before reuse (a read of at most 1 ms). */
    static final long PROBE_AFTER_IDLE_MILLIS = 1000;

    private final StrictConnPool<Endpoint, UpstreamConnection> pool;
    private final Connector connector;
    private final int maxPerEndpoint;

    ConnectionPool(int maxPerEndpoint, Connector connector) {
        this.maxPerEndpoint = maxPerEndpoint;
        this.connector = connector;
        // the total is bounded by the per-endpoint limit times the endpoints in use, never by a second number
        this.pool = new StrictConnPool<>(maxPerEndpoint, Integer.MAX_VALUE / 2, TimeValue.NEG_ONE_MILLISECOND,
                PoolReusePolicy.LIFO, null);
    }

    /**
     * Leases a connection to {@code endpoint}: a checked idle one, or a new one.
     *
     * @param endpoint where to
     * @param wait     the longest wait for a free slot
     * @return the lease, to give back with {@link #release}
     * @throws PoolTimeoutException     when no slot freed up within {@code wait}, or the pool is closed
     * @throws UpstreamConnectException when a new connection could not be opened
     */
    Lease lease(Endpoint endpoint, Timeout wait) throws IOException {
        PoolEntry<Endpoint, UpstreamConnection> entry = awaitEntry(endpoint, wait);
        try {
            if (entry.hasConnection()) {
                long idle = System.currentTimeMillis() - entry.getUpdated();
                if (entry.getConnection().isReusable(idle, PROBE_AFTER_IDLE_MILLIS)) {
                    return new Lease(entry, true);
                }
                entry.discardConnection(CloseMode.IMMEDIATE);
            }
            entry.assignConnection(connector.open(endpoint));
            return new Lease(entry, false);
        } catch (IOException | RuntimeException e) {
            pool.release(entry, false);
            throw e;
        }
    }

    private PoolEntry<Endpoint, UpstreamConnection> awaitEntry(Endpoint endpoint, Timeout wait) throws IOException {
        Future<PoolEntry<Endpoint, UpstreamConnection>> future;
        try {
            future = pool.lease(endpoint, null, wait, null);
        } catch (IllegalStateException e) {
            throw new PoolTimeoutException("connection pool is closed", e, true);
        }
        try {
            return future.get(wait.toMilliseconds(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            giveBackIfGranted(future);
            throw new PoolTimeoutException("no free connection to " + endpoint + " within " + wait, e);
        } catch (ExecutionException e) {
            throw new PoolTimeoutException("no free connection to " + endpoint + ": " + e.getCause().getMessage(), e);
        } catch (java.util.concurrent.CancellationException e) {
            throw new PoolTimeoutException("connection pool is closed", e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            giveBackIfGranted(future);
            throw new InterruptedIOException("interrupted while waiting for a connection to " + endpoint);
        }
    }

    /** A slot granted in the instant the wait gave up would otherwise stay leased for ever. */
    private void giveBackIfGranted(Future<PoolEntry<Endpoint, UpstreamConnection>> future) {
        if (!future.cancel(true) && future.isDone() && !future.isCancelled()) {
            try {
                pool.release(future.get(), true);
            } catch (InterruptedException | ExecutionException | RuntimeException e) {
                // not granted after all
            }
        }
    }

    /**
     * @param lease     the lease to end
     * @param reusable  whether the connection completed its exchange cleanly and may serve another
     * @param keepAlive how long it may stay idle before it is closed
     */
    void release(Lease lease, boolean reusable, TimeValue keepAlive) {
        if (reusable) {
            lease.entry.updateExpiry(keepAlive);
        } else {
            lease.entry.discardConnection(CloseMode.IMMEDIATE);
        }
        pool.release(lease.entry, reusable);
    }

    /** Closes the idle connections of an endpoint that is no longer a target. */
    void discardIdle(Endpoint endpoint) {
        pool.enumAvailable(entry -> {
            if (entry.getRoute().equals(endpoint)) {
                entry.discardConnection(CloseMode.GRACEFUL);
            }
        });
    }

    /** Closes idle connections past their keep-alive time; run periodically. */
    void closeExpired() {
        pool.closeExpired();
    }

    /** @return counts for one endpoint */
    PoolStatistics statistics(Endpoint endpoint) {
        return toStatistics(pool.getStats(endpoint));
    }

    /** @return counts over every endpoint */
    PoolStatistics statistics() {
        return toStatistics(pool.getTotalStats());
    }

    private PoolStatistics toStatistics(PoolStats s) {
        return new PoolStatistics(s.getLeased(), s.getAvailable(), s.getPending(), maxPerEndpoint);
    }

    /** Closes every connection, idle or leased: exchanges still running fail. */
    @Override
    public void close() {
        pool.close(CloseMode.IMMEDIATE);
    }

    /** One leased connection. */
    static final class Lease {
        private final PoolEntry<Endpoint, UpstreamConnection> entry;
        private final boolean reused;

        private Lease(PoolEntry<Endpoint, UpstreamConnection> entry, boolean reused) {
            this.entry = entry;
            this.reused = reused;
        }

        UpstreamConnection connection() {
            return entry.getConnection();
        }

        /** @return true when the connection had served an earlier exchange (it may have been closed meanwhile) */
        boolean reused() {
            return reused;
        }
    }
}
