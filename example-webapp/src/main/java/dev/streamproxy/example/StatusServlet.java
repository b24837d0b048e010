package dev.streamproxy.example;

import dev.streamproxy.PoolStatistics;
import dev.streamproxy.ProxyFilter;
import dev.streamproxy.RouteStatistics;
import dev.streamproxy.TargetStatistics;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;

/**
 * A page the application serves itself (not proxied), plain text: for each {@link ProxyFilter} route, read from the
 * servlet-context attribute each filter publishes, a line with its mapping, its configured targets and its
 * connections over every target, a line with its counters since start, and one line per target:
 *
 * <pre>
 * streamproxy routes: 1
 *
 * workers  /workers/*  -&gt; http://127.0.0.1:9090/v1, http://127.0.0.1:9091/v1  leased=0 available=2 pending=0 max=256
 *          requests=4 in-flight=0 ok=4 upstream-errors=0 timeouts=0 client-gone=0 shed=0 refused=0 retries=0
 *          target 127.0.0.1:9090  weight=1 HEALTHY  in-flight=0 exchanges=2 failures=0 ejections=0  leased=0 idle=1 pending=0
 *          target 127.0.0.1:9091  weight=1 HEALTHY  in-flight=0 exchanges=2 failures=0 ejections=0  leased=0 idle=1 pending=0
 * </pre>
 *
 * {@code leased} counts connections lent to an exchange in flight: it returns to 0 when the proxy is idle, on the
 * route's line and on every target's. A target's state is {@code HEALTHY}, {@code EJECTED} (it failed
 * {@code maxFails} times in a row and rests for {@code failTimeout}) or {@code DRAINING} (its address left DNS).
 */
public class StatusServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final String INDENT = " ".repeat(9);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        ServletContext context = getServletContext();
        Map<String, FilterRegistration> routes = new TreeMap<>();
        context.getFilterRegistrations().forEach((name, registration) -> {
            if (ProxyFilter.class.getName().equals(registration.getClassName())) {
                routes.put(name, registration);
            }
        });

        PrintWriter out = resp.getWriter();
        out.println("streamproxy routes: " + routes.size());
        for (Map.Entry<String, FilterRegistration> route : routes.entrySet()) {
            String name = route.getKey();
            FilterRegistration registration = route.getValue();
            Object published = context.getAttribute(ProxyFilter.contextAttributeName(name));
            RouteStatistics stats = published instanceof ProxyFilter filter ? filter.statistics() : null;
            // From web.xml; a filter registered programmatically (with a ProxyConfig) has no init-params.
            String target = registration.getInitParameter("targetUri");
            if (target == null && published instanceof ProxyFilter filter && filter.config() != null) {
                target = String.join(", ", filter.config().targets().stream().map(Object::toString).toList());
            }
            out.println();
            out.printf("%-8s %-11s -> %s  %s%n", name, String.join(",", registration.getUrlPatternMappings()),
                    target, stats == null ? "not initialised" : pool(stats.pool()));
            if (stats == null) {
                continue;
            }
            out.println(INDENT + "requests=" + stats.requests() + " in-flight=" + stats.inFlight()
                    + " ok=" + stats.ok() + " upstream-errors=" + stats.upstreamErrors()
                    + " timeouts=" + stats.timeouts() + " client-gone=" + stats.clientGone()
                    + " shed=" + stats.shed() + " refused=" + stats.refused() + " retries=" + stats.retries());
            for (TargetStatistics t : stats.targets()) {
                out.printf("%starget %-15s weight=%d %-8s in-flight=%d exchanges=%d failures=%d ejections=%d"
                                + "  leased=%d idle=%d pending=%d%n",
                        INDENT, address(t), t.weight(), t.state(), t.inFlight(), t.exchanges(), t.failures(),
                        t.ejections(), t.pool().leased(), t.pool().available(), t.pool().pending());
            }
        }
    }

    private static String pool(PoolStatistics pool) {
        return "leased=" + pool.leased() + " available=" + pool.available()
                + " pending=" + pool.pending() + " max=" + pool.max();
    }

    /**
     * @return the address and port exchanges go to; the configured host and port while the name does not resolve
     *         (it is then resolved at connect time)
     */
    private static String address(TargetStatistics t) {
        if (t.address() != null) {
            return t.address();
        }
        URI uri = URI.create(t.uri());
        String host = uri.getHost();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]"; // IPv6
        }
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return host + ":" + port;
    }
}
