package dev.streamproxy.internal.async;

import dev.streamproxy.PoolStatistics;
import dev.streamproxy.ProxyConfig;
import dev.streamproxy.internal.client.Endpoint;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.bootstrap.AsyncRequesterBootstrap;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncRequester;
import org.apache.hc.core5.http.nio.AsyncClientExchangeHandler;
import org.apache.hc.core5.http.nio.command.RequestExecutionCommand;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.http.protocol.HttpProcessorBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.Command;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The non-blocking upstream side of one route: HttpCore 5's I/O reactor with {@link #IO_THREADS} threads for the route,
 * started in {@code init()} and stopped in {@code destroy()}, its pooled connections ({@link AsyncPool}), and the
 * watch over every open exchange's {@code responseTimeout}. An exchange costs no thread: between two upstream
 * bytes it is a handler parked on its connection.
 *
 * <p>HttpCore adds nothing to a request here (no processor): the exchange sets every header itself, as the
 * blocking client did.
 */
public final class AsyncClient implements AutoCloseable {

    /** HttpCore's session buffers, one each way per connection: an answer's bytes arrive in pieces of this size. */
    public static final int SESSION_BUFFER = 4 * 1024;

    /** Bytes of an answer held per exchange between upstream and client: the capacity granted to the upstream. */
    public static final int WINDOW = 64 * 1024;

    /** The reactor's threads per route: one per core, at most two (the route's I/O, never its exchanges' waits). */
    public static final int IO_THREADS = Math.min(2, Math.max(1, Runtime.getRuntime().availableProcessors()));

    /** An exchange whose upstream may fall silent: asked every sweep whether it has waited too long. */
    public interface Watched {
        /** @param now the sweep's {@code System.nanoTime()} */
        void idleCheck(long now);
    }

    private final HttpAsyncRequester requester;
    private final AsyncPool pool;
    private final long responseTimeoutNanos;
    private final long idleTimeoutMillis;
    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();

    /**
     * @param config    the validated config
     * @param scheduler the route's background thread: the timeout sweep and pool expiry run there, never blocking
     */
    public AsyncClient(ProxyConfig config, ScheduledExecutorService scheduler) {
        Http1Config http1 = Http1Config.custom()
                // small: every open connection (a held event stream: one each) keeps one buffer each way
                .setBufferSize(SESSION_BUFFER)
                .setChunkSizeHint(8 * 1024)
                .setInitialWindowSize(WINDOW)
                // an upstream's response head is bounded like a request head is by the container
                .setMaxLineLength(64 * 1024)
                .setMaxHeaderCount(256)
                .build();
        this.requester = AsyncRequesterBootstrap.bootstrap()
                .setIOReactorConfig(IOReactorConfig.custom()
                        .setIoThreadCount(IO_THREADS)
                        .setSoTimeout(Timeout.DISABLED)
                        .setTcpNoDelay(true)
                        .setSoKeepAlive(true)
                        .build())
                .setHttp1Config(http1)
                .setHttpProcessor(HttpProcessorBuilder.create().build())
                .create();
        this.pool = new AsyncPool(requester, config.resolver(), config.maxConnections(),
                Timeout.ofMilliseconds(config.connectionRequestTimeout().toMillis()),
                Timeout.ofMilliseconds(config.connectTimeout().toMillis()));
        this.responseTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.responseTimeout().toMillis());
        this.idleTimeoutMillis = config.idleTimeout().toMillis();
        requester.start();
        long sweep = Math.max(20, Math.min(config.responseTimeout().toMillis() / 4, 250));
        scheduler.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Watched w : watched) {
            try {
                w.idleCheck(now);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(AsyncClient.class).debug("idle check failed: {}", e.toString());
            }
        }
        pool.maintain();
    }

    /** @return {@code responseTimeout}: the longest wait for the upstream's next bytes */
    public long responseTimeoutNanos() {
        return responseTimeoutNanos;
    }

    /** @return how long an idle pooled connection is kept when the upstream names no shorter time */
    public long idleTimeoutMillis() {
        return idleTimeoutMillis;
    }

    /** @param w watched for {@code responseTimeout} until {@link #unwatch} */
    public void watch(Watched w) {
        watched.add(w);
    }

    /** @param w no longer watched */
    public void unwatch(Watched w) {
        watched.remove(w);
    }

    /** Leases a connection; {@code then} is called once, on whichever thread grants or fails it. */
    public void lease(Endpoint endpoint, AsyncPool.Leased then) {
        pool.lease(endpoint, then);
    }

    /** Starts one request on a leased connection; HttpCore runs it on the reactor thread. */
    void execute(AsyncPool.Lease lease, AsyncClientExchangeHandler handler) {
        lease.session().enqueue(new RequestExecutionCommand(handler, null, HttpCoreContext.create()),
                Command.Priority.NORMAL);
    }

    /** Gives back a lease no try will use (the exchange ended while it waited): its connection is closed. */
    public void discard(AsyncPool.Lease lease) {
        pool.release(lease, false, TimeValue.ZERO_MILLISECONDS);
    }

    void release(AsyncPool.Lease lease, boolean reusable, long keepAliveMillis) {
        pool.release(lease, reusable, TimeValue.ofMilliseconds(keepAliveMillis));
    }

    /** @return pool counts over every endpoint */
    public PoolStatistics statistics() {
        return pool.statistics();
    }

    /** @return one endpoint's pool counts */
    public PoolStatistics statistics(Endpoint endpoint) {
        return pool.statistics(endpoint);
    }

    /** Closes the idle connections of an endpoint that is no longer a target. */
    public void discardIdle(Endpoint endpoint) {
        pool.discardIdle(endpoint);
    }

    /** Closes every connection, idle or leased (open exchanges fail), then stops the reactor's thread. */
    @Override
    public void close() {
        pool.close();
        requester.close(CloseMode.IMMEDIATE);
        try {
            requester.awaitShutdown(TimeValue.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
