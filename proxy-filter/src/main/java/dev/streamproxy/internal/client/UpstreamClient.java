package dev.streamproxy.internal.client;

import dev.streamproxy.PoolStatistics;
import dev.streamproxy.ProxyConfig;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * Owns the pooled HttpClient of one filter: created once from the config, shared by every exchange, closed once.
 * This is the one place where HTTP client behaviour is decided; the invariants a proxy needs are set here.
 */
public final class UpstreamClient implements AutoCloseable {

    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");

    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient http;
    private final int max;

    /** @param config the validated config */
    public UpstreamClient(ProxyConfig config) {
        this.max = config.maxConnections();
        this.pool = PoolingHttpClientConnectionManagerBuilder.create()
                .useSystemProperties() // TLS trust and key stores from javax.net.ssl.* like the rest of the JVM
                .setConnectionFactory(new GuardedConnectionFactory())
                .setMaxConnTotal(max)
                .setMaxConnPerRoute(max)
                // STRICT: the pool limit is exact, so exhaustion is a clean 503 rather than an overshoot
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.STRICT)
                // LIFO: the most recently used connection is the warmest and the least likely to be stale
                .setConnPoolPolicy(PoolReusePolicy.LIFO)
                .setDefaultSocketConfig(SocketConfig.custom()
                        .setTcpNoDelay(true)
                        .setSoKeepAlive(true)
                        .setSoTimeout(timeout(config.responseTimeout()))
                        .build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(timeout(config.connectTimeout()))
                        .setSocketTimeout(timeout(config.responseTimeout()))
                        // every reuse is checked (see GuardedConnectionFactory): unread bytes on an idle
                        // connection discard it, and after a second of idleness a closed one is detected too,
                        // since a request whose streamed body cannot be replayed must not meet a dead connection
                        .setValidateAfterInactivity(TimeValue.ZERO_MILLISECONDS)
                        .build())
                .build();
        this.http = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(timeout(config.connectionRequestTimeout()))
                        .setResponseTimeout(timeout(config.responseTimeout()))
                        .setConnectionKeepAlive(TimeValue.ofMilliseconds(config.idleTimeout().toMillis()))
                        // redirects are passed through to the client, never followed by the proxy
                        .setRedirectsEnabled(false)
                        // 401/407 challenges belong to the client; the proxy holds no credentials
                        .setAuthenticationEnabled(false)
                        // Expect: 100-continue is forwarded only when the client sent it
                        .setExpectContinueEnabled(false)
                        // no Upgrade: TLS/x headers of HttpClient's own
                        .setProtocolUpgradeEnabled(false)
                        // content is not decoded: gzip passes through byte-identical with its Content-Encoding
                        .setContentCompressionEnabled(false)
                        .build())
                .disableRedirectHandling()
                // no cookie store: one user's Set-Cookie must never be replayed for another user
                .disableCookieManagement()
                .disableContentCompression()
                .disableAuthCaching()
                // connections carry no per-user state (TLS client principal, NTLM), so any request may reuse any
                .disableConnectionState()
                // the client's User-Agent is forwarded; none is invented when it sent none
                .disableDefaultUserAgent()
                .setRetryStrategy(new StaleConnectionRetry())
                .evictExpiredConnections()
                .evictIdleConnections(TimeValue.ofMilliseconds(config.idleTimeout().toMillis()))
                .build();
    }

    /**
     * Sends the request and returns as soon as the upstream's status and headers have arrived; the body is read
     * from the returned response, which the caller must close.
     *
     * @param target  where to send it
     * @param request the upstream request with its streamed entity
     * @return the open response
     * @throws IOException when the exchange fails before a response arrives
     */
    public ClassicHttpResponse open(HttpHost target, ClassicHttpRequest request) throws IOException {
        return http.executeOpen(target, request, null);
    }

    /** @return a snapshot of the pool */
    public PoolStatistics statistics() {
        PoolStats s = pool.getTotalStats();
        return new PoolStatistics(s.getLeased(), s.getAvailable(), s.getPending(), max);
    }

    /** Closes every connection, idle or leased: exchanges still running fail and answer 503 or abort. */
    @Override
    public void close() {
        http.close(CloseMode.IMMEDIATE);
        pool.close(CloseMode.IMMEDIATE);
    }

    private static Timeout timeout(Duration d) {
        return Timeout.ofMilliseconds(d.toMillis());
    }

    /**
     * Retries once, and only the keep-alive race: an idempotent request without a body (or with an explicitly empty
     * one), sent on a pooled connection
     * the upstream had already closed, so no response came back. Never a request with a body (it has started to
     * stream and cannot be replayed), never a response the upstream did send (a 503 is passed through, not retried).
     */
    static final class StaleConnectionRetry implements HttpRequestRetryStrategy {
        @Override
        public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
            return execCount <= 1
                    && exception instanceof NoHttpResponseException
                    && IDEMPOTENT.contains(request.getMethod())
                    && !(request instanceof ClassicHttpRequest r && r.getEntity() != null && !r.getEntity().isRepeatable());
        }

        @Override
        public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
            return false;
        }

        @Override
        public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
            return TimeValue.ZERO_MILLISECONDS;
        }
    }
}
