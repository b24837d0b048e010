package dev.streamproxy;

import dev.streamproxy.internal.ProxyHandler;
import dev.streamproxy.internal.client.TlsContext;
import dev.streamproxy.internal.tunnel.Tunnels;
import dev.streamproxy.internal.upstream.Upstreams;
import dev.streamproxy.internal.compat.HttpCoreCheck;
import dev.streamproxy.internal.config.ConfigValidator;
import dev.streamproxy.internal.observe.ExchangeListener;
import dev.streamproxy.internal.observe.JmxRegistration;
import dev.streamproxy.internal.observe.RouteMBean;
import dev.streamproxy.internal.tls.TlsContextFactory;
import dev.streamproxy.internal.route.PrefixRoute;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A servlet filter that forwards the requests under one path prefix to an upstream, streaming bodies both ways
 * over pooled keep-alive connections. Requests outside the prefix continue down the filter chain untouched.
 *
 * <p>Declare it in {@code web.xml} with the init-params listed on {@link ProxyConfig}, or register an instance built
 * with {@link #ProxyFilter(ProxyConfig)} through {@code ServletContext.addFilter}. Each instance owns one pooled
 * HTTP client, created in {@link #init} and closed in {@link #destroy}.
 *
 * <p>After {@code init} the instance is also published as the servlet-context attribute
 * {@link #contextAttributeName(String)}, so the application (a health page, a metrics exporter) can read
 * {@link #poolStatistics()}.
 */
public class ProxyFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyFilter.class);

    private final ProxyConfig presetConfig;
    private volatile ProxyConfig config;
    private volatile String name = "streamproxy";
    private volatile PrefixRoute route;
    private volatile Upstreams upstreams;
    private volatile Tunnels tunnels;
    private volatile ProxyHandler handler;
    private volatile ServletContext context;
    private volatile JmxRegistration jmx;
    private volatile AutoCloseable meters;

    /** For {@code web.xml}: the configuration is read from the init-params in {@link #init}. */
    public ProxyFilter() {
        this.presetConfig = null;
    }

    /**
     * For programmatic registration: init-params, if any, are ignored.
     *
     * @param config the validated configuration
     */
    public ProxyFilter(ProxyConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("streamproxy: config must not be null");
        }
        this.presetConfig = config;
    }

    /**
     * The servlet-context attribute under which an initialised filter publishes itself.
     *
     * @param filterName the filter's name in {@code web.xml} or {@code addFilter}
     * @return {@code dev.streamproxy.ProxyFilter/<filterName>}
     */
    public static String contextAttributeName(String filterName) {
        return ProxyFilter.class.getName() + "/" + filterName;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        if (filterConfig != null && filterConfig.getFilterName() != null) {
            name = filterConfig.getFilterName();
        }
        try {
            // first: nothing that links against HttpCore may load before the class path is known to fit
            HttpCoreCheck.require(ProxyFilter.class.getClassLoader());
        } catch (IllegalStateException e) {
            LOG.error("[{}] {}", name, e.getMessage());
            throw new ServletException("[" + name + "] " + e.getMessage(), e);
        }
        ProxyConfig cfg;
        try {
            cfg = presetConfig != null ? presetConfig : ProxyConfig.fromParameters(initParameters(filterConfig));
        } catch (IllegalArgumentException e) {
            throw new ServletException("[" + name + "] " + e.getMessage(), e);
        }
        config = cfg;
        route = new PrefixRoute(cfg.prefix());
        boolean https = cfg.targets().stream().anyMatch(t -> "https".equalsIgnoreCase(t.uri().getScheme()));
        TlsContext tls;
        try {
            tls = https ? TlsContextFactory.create(cfg.tls(), ConfigValidator.classLoader()) : null;
        } catch (IllegalArgumentException e) {
            throw new ServletException("[" + name + "] " + e.getMessage(), e);
        }
        if (!https && !cfg.tls().isJvmDefault()) {
            LOG.warn("[{}] TLS parameters are set but no target is https: they are not used", name);
        }
        upstreams = new Upstreams(name, cfg, tls);
        tunnels = new Tunnels(name, cfg.upgradeIdleTimeout());
        upstreams.every(tunnels.checkInterval(), tunnels::closeIdle);
        ProxyHandler h = new ProxyHandler(name, cfg, upstreams, tunnels);
        ServletContext ctx = filterConfig == null ? null : filterConfig.getServletContext();
        if (cfg.jmx()) {
            jmx = JmxRegistration.register(ctx == null ? "" : ctx.getContextPath(), name,
                    new RouteMBean(h::statistics));
        }
        if (cfg.meterRegistry() != null) {
            meters = micrometer(cfg, h);
        }
        handler = h;
        if (filterConfig != null && filterConfig.getServletContext() != null) {
            context = filterConfig.getServletContext();
            context.setAttribute(contextAttributeName(name), this);
        }
        LOG.info("[{}] proxying '{}/**' to {} ({} target(s), {}, pool of {} per target)", name, cfg.prefix(),
                cfg.targets().size() == 1 ? cfg.targetUri() : cfg.targets(), upstreams.targets().size(),
                cfg.loadBalancing().value(), cfg.maxConnections());
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        ProxyHandler h = handler;
        if (h == null) {
            throw new ServletException("[" + name + "] streamproxy filter used before init() or after destroy()");
        }
        if (request instanceof HttpServletRequest req && response instanceof HttpServletResponse resp) {
            String rest = route.match(req);
            if (rest != null) {
                h.proxy(req, resp, rest);
                return;
            }
        }
        chain.doFilter(request, response);
    }

    @Override
    public void destroy() {
        handler = null;
        ServletContext ctx = context;
        context = null;
        if (ctx != null && ctx.getAttribute(contextAttributeName(name)) == this) {
            ctx.removeAttribute(contextAttributeName(name));
        }
        closeQuietly(jmx);
        jmx = null;
        closeQuietly(meters);
        meters = null;
        closeQuietly(tunnels);
        tunnels = null;
        Upstreams u = upstreams;
        upstreams = null;
        if (u != null) {
            u.close();
        }
    }

    /** @return the configuration in force, or null before {@link #init} */
    public ProxyConfig config() {
        return config;
    }

    /**
     * @return a snapshot of the connections over every target (max is the per-target maximum); all zero before
     *         {@link #init} and after {@link #destroy}
     */
    public PoolStatistics poolStatistics() {
        ProxyHandler h = handler;
        return h == null ? new PoolStatistics(0, 0, 0, 0) : h.poolStatistics();
    }

    /**
     * @return the route's counters and a snapshot of every target (address, state, exchanges in flight, failures,
     *         ejections, connections); null before {@link #init} and after {@link #destroy}
     */
    public RouteStatistics statistics() {
        ProxyHandler h = handler;
        return h == null ? null : h.statistics();
    }

    /** Only here are Micrometer's classes loaded: the filter runs without them unless meters are asked for. */
    private AutoCloseable micrometer(ProxyConfig cfg, ProxyHandler h) {
        var m = new dev.streamproxy.internal.observe.MicrometerMetrics(cfg.meterRegistry(), name, h::statistics);
        h.addListener(m);
        upstreams.every(java.time.Duration.ofSeconds(5), m::syncTargets);
        ExchangeListener listener = m;
        return () -> {
            h.removeListener(listener);
            m.close();
        };
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing {} failed: {}", c, e.toString());
            }
        }
    }

    private static Map<String, String> initParameters(FilterConfig filterConfig) {
        if (filterConfig == null) {
            return Map.of();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String n : Collections.list(filterConfig.getInitParameterNames())) {
            params.put(n, filterConfig.getInitParameter(n));
        }
        return params;
    }
}
