package dev.streamproxy.example;

import dev.streamproxy.PoolStatistics;
import dev.streamproxy.ProxyFilter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;

/**
 * A page the application serves itself (not proxied): one line per {@link ProxyFilter} route with its target and
 * the current state of its connection pool, read from the servlet-context attribute each filter publishes.
 *
 * <pre>
 * api     /api/*     -&gt; http://127.0.0.1:9090/v1  leased=0 available=1 pending=0 max=64
 * </pre>
 *
 * {@code leased} is the number of exchanges in flight; it returns to 0 when the proxy is idle.
 */
public class StatusServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

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
            String target = registration.getInitParameter("targetUri");
            String pool = published instanceof ProxyFilter filter
                    ? format(filter.poolStatistics())
                    : "not initialised";
            out.printf("%-8s %-12s -> %-36s %s%n",
                    name, String.join(",", registration.getUrlPatternMappings()), target, pool);
        }
    }

    private static String format(PoolStatistics stats) {
        return "leased=" + stats.leased() + " available=" + stats.available()
                + " pending=" + stats.pending() + " max=" + stats.max();
    }
}
