package dev.streamproxy.internal.client;

import dev.streamproxy.PoolStatistics;
import dev.streamproxy.ProxyConfig;
import dev.streamproxy.internal.body.StreamingRequestEntity;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.DefaultConnectionReuseStrategy;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The upstream side of one filter: HttpCore 5's classic connections, pooled by HttpCore's {@code StrictConnPool},
 * each exchange run by {@link Http1Exchange}. Created once from the config, shared by every exchange, closed once.
 *
 * <p>This is the whole HTTP client a proxy needs and nothing more: no redirects followed, no cookies, no
 * authentication, no content decoding, no retries (the exchange decides those), no request rewriting. It depends
 * only on HttpCore's public classic API, so it runs beside whatever HttpClient 5 the application brings.
 */
public final class UpstreamClient implements AutoCloseable {

    private final ConnectionPool pool;
    private final Connector connector;
    /** Read by the reuse strategy only for the protocol version, which every parsed response carries. */
    private static final HttpCoreContext CONTEXT = HttpCoreContext.create();
    private static final Timeout WAIT_FOR_CONTINUE = Timeout.ofSeconds(3);

    private final Timeout connectionRequestTimeout;
    private final long idleTimeoutMillis;
    private final long responseTimeoutMillis;
    /** Threads for request bodies that go up beside their answer ({@link UploadPump}). */
    private final ExecutorService uploads;

    /**
     * @param config    the validated config
     * @param tls       the route's TLS context, or null when no target is {@code https}
     * @param scheduler the route's one background thread, where idle connections are closed
     * @param name      the filter's name, for the upload threads' names
     */
    public UpstreamClient(ProxyConfig config, TlsContext tls, ScheduledExecutorService scheduler, String name) {
        Http1Config http1 = Http1Config.custom()
                // smaller than the exchange's copy buffer, so body reads and writes of a full buffer bypass
                // HttpCore's own buffers instead of being copied through them; small, because every open
                // connection (a held event stream: one each) keeps one for input and one for output
                .setBufferSize(4 * 1024)
                .setChunkSizeHint(8 * 1024)
                // an upstream's response head is bounded like a request head is by the container
                .setMaxLineLength(64 * 1024)
                .setMaxHeaderCount(256)
                .build();
        this.connector = new Connector(config.connectTimeout(), config.responseTimeout(), tls, http1,
                config.resolver());
        this.pool = new ConnectionPool(config.maxConnections(), connector);
        this.connectionRequestTimeout = Timeout.ofMilliseconds(config.connectionRequestTimeout().toMillis());
        this.idleTimeoutMillis = config.idleTimeout().toMillis();
        this.responseTimeoutMillis = config.responseTimeout().toMillis();
        this.uploads = PumpThreads.newExecutor(name, "upload");
        long period = Math.max(1000, Math.min(idleTimeoutMillis / 2, 30_000));
        scheduler.scheduleWithFixedDelay(pool::closeExpired, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Sends the request and returns as soon as the upstream's status and headers have arrived. A final answer sent
     * while the body was still going up (an early 413 or 401) is returned like any other: the rest of the body is
     * not sent and the connection will not be reused.
     *
     * @param endpoint where to
     * @param request  the upstream request, framing headers set, with its entity if it has a body
     * @param link     told which connection the exchange is on, so the body can discard or stop it
     * @return the response, to be closed by the caller
     * @throws PoolTimeoutException     no connection free in time (nothing sent)
     * @throws UpstreamConnectException no connection could be made (nothing sent)
     * @throws UpstreamIOException      the exchange failed after the connection was made
     */
    public UpstreamResponse send(Endpoint endpoint, ClassicHttpRequest request, UpstreamLink link)
            throws IOException {
        ConnectionPool.Lease lease = pool.lease(endpoint, connectionRequestTimeout);
        UpstreamConnection connection = lease.connection();
        link.attach(connection);
        ClassicHttpResponse head;
        Http1Exchange.Progress progress = new Http1Exchange.Progress();
        try {
            head = Http1Exchange.execute(connection, request, WAIT_FOR_CONTINUE, progress, uploads,
                    responseTimeoutMillis);
        } catch (IOException | HttpException | RuntimeException e) {
            link.uploadStarted(progress.pump); // still running, perhaps: the exchange ends it when it knows how
            pool.release(lease, false, null);
            throw new UpstreamIOException(endpoint, lease.reused(), progress.responseHead, e);
        }
        link.uploadStarted(progress.pump);
        try {
            return new UpstreamResponse(this, lease, request, head, progress.pump, responseTimeoutMillis);
        } catch (IOException | RuntimeException e) {
            // the response could not be set up (its body stream): the lease goes back, discarded, not leaked
            pool.release(lease, false, null);
            throw new UpstreamIOException(endpoint, lease.reused(), true, e);
        }
    }

    /**
     * Sends an upgrade request on a connection of its own, made for it with the route's connect timeout and TLS
     * settings, and returns as soon as the response head has arrived. A {@code 101} leaves the connection ready to
     * be taken over ({@link UpstreamResponse#takeConnection()}); any other answer is read like a pooled one and the
     * connection is closed at its end. (HttpCore's pool and exchange treat 101 as an interim response and read on,
     * so an upgrade never goes through them.)
     *
     * @param endpoint where to
     * @param request  the upgrade request, without a body
     * @return the response, to be closed by the caller unless its connection is taken over
     * @throws UpstreamConnectException no connection could be made (nothing sent)
     * @throws UpstreamIOException      the exchange failed after the connection was made
     */
    public UpstreamResponse sendUpgrade(Endpoint endpoint, ClassicHttpRequest request) throws IOException {
        UpstreamConnection connection = connector.open(endpoint);
        ClassicHttpResponse head;
        Http1Exchange.Progress progress = new Http1Exchange.Progress();
        try {
            head = Http1Exchange.execute(connection, request, WAIT_FOR_CONTINUE, progress);
        } catch (IOException | HttpException | RuntimeException e) {
            connection.abort();
            throw new UpstreamIOException(endpoint, false, progress.responseHead, e);
        }
        try {
            return new UpstreamResponse(this, connection, request, head);
        } catch (IOException | RuntimeException e) {
            connection.abort();
            throw new UpstreamIOException(endpoint, false, true, e);
        }
    }

    void release(ConnectionPool.Lease lease, ClassicHttpRequest request, ClassicHttpResponse head, boolean complete) {
        boolean reusable = false;
        UpstreamConnection connection = lease.connection();
        if (complete && requestWasSentWhole(request)) {
            try {
                reusable = connection.http().isConsistent()
                        && DefaultConnectionReuseStrategy.INSTANCE.keepAlive(request, head, CONTEXT)
                        && connection.bufferedInput() == 0;
            } catch (RuntimeException e) {
                reusable = false;
            }
        }
        pool.release(lease, reusable, TimeValue.ofMilliseconds(KeepAlive.millis(head, idleTimeoutMillis)));
    }

    /** A request whose body stopped early (an early answer, an abort) leaves the upstream mid-request. */
    private static boolean requestWasSentWhole(ClassicHttpRequest request) {
        HttpEntity entity = request.getEntity();
        return entity == null || entity.isRepeatable()
                || (entity instanceof StreamingRequestEntity s && s.isComplete());
    }

    /** @return pool counts over every endpoint */
    public PoolStatistics statistics() {
        return pool.statistics();
    }

    /**
     * @param endpoint one endpoint
     * @return its pool counts
     */
    public PoolStatistics statistics(Endpoint endpoint) {
        return pool.statistics(endpoint);
    }

    /**
     * Closes the idle connections of an endpoint that is no longer a target.
     *
     * @param endpoint the removed target's endpoint
     */
    public void discardIdle(Endpoint endpoint) {
        pool.discardIdle(endpoint);
    }

    /** Closes every connection, idle or leased: exchanges still running fail and answer 503 or abort. */
    @Override
    public void close() {
        pool.close();
        uploads.shutdownNow(); // every copy fails with its connection, closed above
    }
}
