package dev.streamproxy.internal;

import dev.streamproxy.PoolStatistics;
import dev.streamproxy.ProxyConfig;
import dev.streamproxy.RouteStatistics;
import dev.streamproxy.internal.error.ErrorResponses;
import dev.streamproxy.internal.header.ForwardedHeadersWriter;
import dev.streamproxy.internal.header.RedirectRewriter;
import dev.streamproxy.internal.header.RequestHeaderCopier;
import dev.streamproxy.internal.header.ResponseHeaderCopier;
import dev.streamproxy.internal.header.TrustedProxies;
import dev.streamproxy.internal.observe.AccessLog;
import dev.streamproxy.internal.observe.ExchangeListener;
import dev.streamproxy.internal.observe.ExchangeRecord;
import dev.streamproxy.internal.observe.RequestIds;
import dev.streamproxy.internal.observe.RouteMetrics;
import dev.streamproxy.internal.route.PrefixRoute;
import dev.streamproxy.internal.route.UpstreamTarget;
import dev.streamproxy.internal.tunnel.Tunnels;
import dev.streamproxy.internal.tunnel.UpgradeRequests;
import dev.streamproxy.internal.upstream.Admission;
import dev.streamproxy.internal.upstream.RetryBudget;
import dev.streamproxy.internal.upstream.RetryPolicy;
import dev.streamproxy.internal.upstream.Upstreams;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * One route's proxying: what every exchange of the route shares (its upstreams, header policy, retry and admission
 * rules, counters), and {@link #proxy}, which runs one {@link Exchange}. Admission control is decided here, before
 * an exchange exists: past {@code maxConcurrentRequests} the answer is a fast 503.
 *
 * <p>Every log line starts with the filter name and the exchange's request id ({@code [api] 4bf92f35...}, or
 * {@code [api] #42} with request ids off); header values are never logged, so {@code Authorization} and
 * {@code Cookie} cannot leak into logs. Every ended exchange is told to the listeners: the route's counters, the
 * access log when on, Micrometer when configured.
 */
public final class ProxyHandler {

    static final Logger LOG = LoggerFactory.getLogger("dev.streamproxy.ProxyFilter");

    final String name;
    final ProxyConfig config;
    final Upstreams upstreams;
    final RetryPolicy retryPolicy;
    final RetryBudget retryBudget = new RetryBudget();
    final RequestHeaderCopier requestHeaders;
    final ForwardedHeadersWriter forwardedHeaders;
    final LongAdder retries = new LongAdder();
    final String requestIdHeader;
    final UpgradeRequests upgrades;
    final Tunnels tunnels;
    private final Admission admission;
    private final LongAdder requests = new LongAdder();
    private final RouteMetrics metrics = new RouteMetrics();
    private final List<ExchangeListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    /**
     * A route with an {@code https} target runs the blocking exchange for now: a TLS 1.3 upstream that refuses the
     * client's certificate after the handshake is not yet reported by the non-blocking one (it would be a 504
     * after {@code responseTimeout} instead of a 502 naming the certificate).
     */
    private final boolean tlsTargets;
    private final java.util.concurrent.atomic.AtomicBoolean warnedNotAsync =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final Map<UpstreamTarget, ResponseHeaderCopier> responseHeaders = new ConcurrentHashMap<>();
    private final Function<UpstreamTarget, ResponseHeaderCopier> newResponseHeaders = this::newResponseHeaderCopier;

    /**
     * @param name      the filter's name, for log lines
     * @param config    the validated config
     * @param upstreams the route's targets and pooled client, owned by the filter
     * @param tunnels   the route's upgraded connections, owned by the filter
     */
    public ProxyHandler(String name, ProxyConfig config, Upstreams upstreams, Tunnels tunnels) {
        this.name = name;
        this.tunnels = tunnels;
        this.upgrades = new UpgradeRequests(config.upgradeProtocols());
        this.config = config;
        this.upstreams = upstreams;
        this.retryPolicy = new RetryPolicy(config.maxRetries(), config.retryOnStatus());
        this.admission = new Admission(config.maxConcurrentRequests());
        this.requestHeaders = new RequestHeaderCopier(config.preserveHost(), config.allowUnderscoreHeaders());
        this.forwardedHeaders = new ForwardedHeadersWriter(config.forwardedHeaders(), config.prefix(),
                TrustedProxies.parse(String.join(",", config.trustedProxies())));
        this.requestIdHeader = config.requestIdHeader();
        this.tlsTargets = config.targets().stream().anyMatch(t -> "https".equalsIgnoreCase(t.uri().getScheme()));
        listeners.add(metrics);
        if (config.accessLog()) {
            listeners.add(new AccessLog(name));
        }
    }

    /** @param listener told about every exchange once it has ended (Micrometer, when configured) */
    public void addListener(ExchangeListener listener) {
        listeners.add(listener);
    }

    /** @param listener no longer told */
    public void removeListener(ExchangeListener listener) {
        listeners.remove(listener);
    }

    void ended(ExchangeRecord record) {
        for (ExchangeListener l : listeners) {
            try {
                l.ended(record);
            } catch (RuntimeException e) {
                LOG.debug("[{}] {} failed on an exchange: {}", name, l.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /**
     * Proxies one request that the route matched.
     *
     * @param request  the client request
     * @param response the client response
     * @param rest     the raw path after context path and prefix, or {@link PrefixRoute#AMBIGUOUS}
     * @throws dev.streamproxy.internal.error.ExchangeAbortedException only when the upstream failed after the
     *         response was committed, so the container closes the client connection instead of completing it
     */
    public void proxy(HttpServletRequest request, HttpServletResponse response, String rest) throws IOException {
        requests.increment();
        ExchangeRecord record = new ExchangeRecord(requestId(request), request.getMethod(), request.getRequestURI());
        if (!admission.tryEnter()) {
            LOG.debug("[{}] {} {} {} -> 503: maxConcurrentRequests={} reached", name, record.requestId(),
                    request.getMethod(), request.getRequestURI(), config.maxConcurrentRequests());
            ErrorResponses.send(response, 503, "503 Service Unavailable: the proxy is at its request limit, "
                    + "retry later\n", requestIdHeader, record.requestId());
            record.end(503, ExchangeRecord.Outcome.SHED, 0);
            ended(record);
            return;
        }
        boolean upgrade = upgrades.isTunnelled(request);
        if (!tlsTargets && AsyncExchange.eligible(request, upgrade, config.maxRequestBodySize())) {
            if (request.isAsyncSupported()) {
                startAsync(request, response, rest, record);
                return;
            }
            warnNotAsync(request);
        }
        try {
            new Exchange(this, record, request, response, rest).run();
        } finally {
            admission.leave();
        }
    }

    /** The exchange leaves its admission slot when it ends, on whichever thread that is. */
    private void startAsync(HttpServletRequest request, HttpServletResponse response, String rest,
                            ExchangeRecord record) throws IOException {
        java.util.concurrent.atomic.AtomicBoolean left = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable leave = () -> {
            if (left.compareAndSet(false, true)) {
                admission.leave();
            }
        };
        try {
            new AsyncExchange(this, record, request, response, rest, leave).start();
        } catch (IOException | RuntimeException e) {
            leave.run();
            throw e;
        }
    }

    /**
     * An event stream that cannot go async (a filter or servlet before this one does not support it) holds the
     * container's thread for its whole life: said once per route, with the fix.
     */
    private void warnNotAsync(HttpServletRequest request) {
        if (warnedNotAsync.compareAndSet(false, true)) {
            LOG.warn("[{}] {} {}: the event stream cannot go async (a filter before this one is not async-supported), "
                    + "so each such exchange holds a container thread for its whole life; set "
                    + "<async-supported>true</async-supported> (or setAsyncSupported(true)) on every filter before "
                    + "this one and on this one", name, request.getMethod(), request.getRequestURI());
        }
    }

    /** The client's well-formed id, a new one, or (with request ids off) the route's counter, for log lines. */
    private String requestId(HttpServletRequest request) {
        return requestIdHeader == null ? "#" + ids.incrementAndGet()
                : RequestIds.keepOrGenerate(request.getHeader(requestIdHeader));
    }

    ResponseHeaderCopier responseHeaders(UpstreamTarget target) {
        return responseHeaders.computeIfAbsent(target, newResponseHeaders);
    }

    private ResponseHeaderCopier newResponseHeaderCopier(UpstreamTarget target) {
        return new ResponseHeaderCopier(config.rewriteRedirects() ? new RedirectRewriter(target, config.prefix())
                : null);
    }

    /** @return the route's counters and every target's */
    public RouteStatistics statistics() {
        return new RouteStatistics(requests.sum(), admission.inFlight(), metrics.count(ExchangeRecord.Outcome.OK),
                metrics.count(ExchangeRecord.Outcome.UPSTREAM_ERROR), metrics.count(ExchangeRecord.Outcome.TIMEOUT),
                metrics.count(ExchangeRecord.Outcome.CLIENT_GONE), metrics.count(ExchangeRecord.Outcome.SHED),
                metrics.count(ExchangeRecord.Outcome.REFUSED), retries.sum(), metrics.bytesIn(),
                metrics.bytesOut(), tunnels.openCount(), tunnels.bytesUp(), tunnels.bytesDown(),
                upstreams.statistics(), poolStatistics());
    }

    /** @return connection counts over every target */
    public PoolStatistics poolStatistics() {
        PoolStatistics total = upstreams.poolStatistics();
        return new PoolStatistics(total.leased(), total.available(), total.pending(), total.max());
    }
}
