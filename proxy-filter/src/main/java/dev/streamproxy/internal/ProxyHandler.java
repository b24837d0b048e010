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
import dev.streamproxy.internal.route.PrefixRoute;
import dev.streamproxy.internal.route.UpstreamTarget;
import dev.streamproxy.internal.upstream.Admission;
import dev.streamproxy.internal.upstream.RetryBudget;
import dev.streamproxy.internal.upstream.RetryPolicy;
import dev.streamproxy.internal.upstream.Upstreams;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * One route's proxying: what every exchange of the route shares (its upstreams, header policy, retry and admission
 * rules, counters), and {@link #proxy}, which runs one {@link Exchange}. Admission control is decided here, before
 * an exchange exists: past {@code maxConcurrentRequests} the answer is a fast 503.
 *
 * <p>Every log line starts with the filter name and a request id ({@code [api] #42}); header values are never
 * logged, so {@code Authorization} and {@code Cookie} cannot leak into logs.
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
    private final Admission admission;
    private final LongAdder requests = new LongAdder();
    private final LongAdder shed = new LongAdder();
    private final AtomicLong ids = new AtomicLong();
    private final Map<UpstreamTarget, ResponseHeaderCopier> responseHeaders = new ConcurrentHashMap<>();
    private final Function<UpstreamTarget, ResponseHeaderCopier> newResponseHeaders = this::newResponseHeaderCopier;

    /**
     * @param name      the filter's name, for log lines
     * @param config    the validated config
     * @param upstreams the route's targets and pooled client, owned by the filter
     */
    public ProxyHandler(String name, ProxyConfig config, Upstreams upstreams) {
        this.name = name;
        this.config = config;
        this.upstreams = upstreams;
        this.retryPolicy = new RetryPolicy(config.maxRetries(), config.retryOnStatus());
        this.admission = new Admission(config.maxConcurrentRequests());
        this.requestHeaders = new RequestHeaderCopier(config.preserveHost(), config.allowUnderscoreHeaders());
        this.forwardedHeaders = new ForwardedHeadersWriter(config.forwardedHeaders(), config.prefix(),
                TrustedProxies.parse(String.join(",", config.trustedProxies())));
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
        long id = ids.incrementAndGet();
        requests.increment();
        if (!admission.tryEnter()) {
            shed.increment();
            LOG.debug("[{}] #{} {} {} -> 503: maxConcurrentRequests={} reached", name, id, request.getMethod(),
                    request.getRequestURI(), config.maxConcurrentRequests());
            ErrorResponses.send(response, 503, "503 Service Unavailable: the proxy is at its request limit, "
                    + "retry later\n");
            return;
        }
        try {
            new Exchange(this, id, request, response, rest).run();
        } finally {
            admission.leave();
        }
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
        return new RouteStatistics(requests.sum(), admission.inFlight(), retries.sum(), shed.sum(),
                upstreams.statistics(), poolStatistics());
    }

    /** @return connection counts over every target */
    public PoolStatistics poolStatistics() {
        PoolStatistics total = upstreams.client().statistics();
        return new PoolStatistics(total.leased(), total.available(), total.pending(), total.max());
    }
}
