package dev.streamproxy.internal.async;

import dev.streamproxy.HostResolver;
import dev.streamproxy.PoolStatistics;
import dev.streamproxy.internal.client.Endpoint;
import dev.streamproxy.internal.client.PoolTimeoutException;
import dev.streamproxy.internal.client.UpstreamConnectException;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolEntry;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.core5.pool.StrictConnPool;
import org.apache.hc.core5.reactor.ConnectionInitiator;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The route's non-blocking keep-alive connections, at most {@code maxConnections} per target address: HttpCore's
 * {@link StrictConnPool} holding I/O sessions of the route's reactor. A lease never blocks: it is granted at once,
 * when a slot frees up, or fails with {@link PoolTimeoutException} after {@code connectionRequestTimeout}; a slot
 * without a connection gets a new one, tried on each of the name's addresses in turn.
 *
 * <p>Plain {@code http} only: a route with an {@code https} target runs the blocking exchange for now.
 *
 * <p>The pool is ours rather than the requester's own so that the three waits stay three settings (a free slot,
 * a connect, an idle upstream) and so that an exchange can close its own connection when its client goes away.
 */
public final class AsyncPool implements AutoCloseable {

    /** What a lease ends in; called on whichever thread granted or failed it. */
    public interface Leased {
        /** @param lease the connection, now the caller's */
        void leased(Lease lease);

        /** @param failure no free slot in time, a closed pool, or no connection could be made */
        void failed(IOException failure);
    }

    private final StrictConnPool<Endpoint, IOSession> pool;
    private final ConnectionInitiator reactor;
    private final HostResolver resolver;
    private final Timeout leaseTimeout;
    private final Timeout connectTimeout;
    private final int maxPerEndpoint;

    AsyncPool(ConnectionInitiator reactor, HostResolver resolver, int maxPerEndpoint, Timeout leaseTimeout,
              Timeout connectTimeout) {
        this.reactor = reactor;
        this.resolver = resolver;
        this.maxPerEndpoint = maxPerEndpoint;
        this.leaseTimeout = leaseTimeout;
        this.connectTimeout = connectTimeout;
        // the total is bounded by the per-endpoint limit times the endpoints in use, never by a second number
        this.pool = new StrictConnPool<>(maxPerEndpoint, Integer.MAX_VALUE / 2, TimeValue.NEG_ONE_MILLISECOND,
                PoolReusePolicy.LIFO, null);
    }

    /** Leases a connection to {@code endpoint}: an open idle one, or a new one. */
    void lease(Endpoint endpoint, Leased then) {
        try {
            pool.lease(endpoint, null, leaseTimeout, new FutureCallback<>() {
                @Override
                public void completed(PoolEntry<Endpoint, IOSession> entry) {
                    granted(endpoint, entry, then);
                }

                @Override
                public void failed(Exception e) {
                    then.failed(new PoolTimeoutException("no free connection to " + endpoint + " within "
                            + leaseTimeout, e));
                }

                @Override
                public void cancelled() {
                    then.failed(new PoolTimeoutException("connection pool is closed", null, true));
                }
            });
        } catch (IllegalStateException e) {
            then.failed(new PoolTimeoutException("connection pool is closed", e, true));
        }
    }

    private void granted(Endpoint endpoint, PoolEntry<Endpoint, IOSession> entry, Leased then) {
        if (entry.hasConnection()) {
            if (entry.getConnection().isOpen()) {
                then.leased(new Lease(entry, true));
                return;
            }
            entry.discardConnection(CloseMode.IMMEDIATE);
        }
        InetAddress[] addresses;
        try {
            addresses = endpoint.address() != null ? new InetAddress[] {endpoint.address()}
                    : resolver.resolve(endpoint.hostName()); // the route's resolver, never the JVM's behind its back
        } catch (UnknownHostException e) {
            pool.release(entry, false);
            then.failed(new UpstreamConnectException(endpoint, "unknown host", e));
            return;
        }
        connect(endpoint, addresses, 0, entry, then);
    }

    private void connect(Endpoint endpoint, InetAddress[] addresses, int i, PoolEntry<Endpoint, IOSession> entry,
                         Leased then) {
        HttpHost named = new HttpHost(endpoint.tls() ? "https" : "http", endpoint.hostName(), endpoint.port());
        InetSocketAddress to = new InetSocketAddress(addresses[i], endpoint.port());
        reactor.connect(named, to, null, connectTimeout, null, new FutureCallback<>() {
            @Override
            public void completed(IOSession session) {
                // the proxy enforces responseTimeout itself: a back-pressured stream is not an idle upstream
                session.setSocketTimeout(Timeout.DISABLED);
                entry.assignConnection(session);
                then.leased(new Lease(entry, false));
            }

            @Override
            public void failed(Exception e) {
                if (i + 1 < addresses.length) {
                    connect(endpoint, addresses, i + 1, entry, then);
                    return;
                }
                pool.release(entry, false);
                then.failed(new UpstreamConnectException(endpoint, addresses[i], e));
            }

            @Override
            public void cancelled() {
                pool.release(entry, false);
                then.failed(new PoolTimeoutException("connection pool is closed", null, true));
            }
        });
    }

    /**
     * @param lease     the lease to end
     * @param reusable  whether the connection completed its exchange cleanly and may serve another
     * @param keepAlive how long it may stay idle before it is closed
     */
    void release(Lease lease, boolean reusable, TimeValue keepAlive) {
        boolean reuse = reusable && lease.entry.hasConnection() && lease.entry.getConnection().isOpen();
        if (reuse) {
            lease.entry.updateExpiry(keepAlive);
        } else {
            lease.entry.discardConnection(CloseMode.IMMEDIATE);
        }
        pool.release(lease.entry, reuse);
    }

    /** Closes idle connections past their keep-alive time and fails leases past their wait; run periodically. */
    void maintain() {
        pool.closeExpired();
        pool.validatePendingRequests();
    }

    /** Closes the idle connections of an endpoint that is no longer a target. */
    void discardIdle(Endpoint endpoint) {
        pool.enumAvailable(entry -> {
            if (entry.getRoute().equals(endpoint)) {
                entry.discardConnection(CloseMode.GRACEFUL);
            }
        });
    }

    PoolStatistics statistics(Endpoint endpoint) {
        return toStatistics(pool.getStats(endpoint));
    }

    PoolStatistics statistics() {
        return toStatistics(pool.getTotalStats());
    }

    private PoolStatistics toStatistics(PoolStats s) {
        return new PoolStatistics(s.getLeased(), s.getAvailable(), s.getPending(), maxPerEndpoint);
    }

    @Override
    public void close() {
        pool.close(CloseMode.IMMEDIATE);
    }

    /** One leased connection. */
    public static final class Lease {
        private final PoolEntry<Endpoint, IOSession> entry;
        private final boolean reused;

        private Lease(PoolEntry<Endpoint, IOSession> entry, boolean reused) {
            this.entry = entry;
            this.reused = reused;
        }

        IOSession session() {
            return entry.getConnection();
        }

        Endpoint endpoint() {
            return entry.getRoute();
        }

        /** @return true when the connection had served an earlier exchange (it may have been closed meanwhile) */
        boolean reused() {
            return reused;
        }
    }
}
