package dev.streamproxy.example;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The application's {@code /metrics}: the Prometheus text exposition of the registry {@link MetricsSetup} installed,
 * i.e. every route's meters ({@code streamproxy_requests_seconds}, {@code streamproxy_upstream_connections}, ...)
 * and anything else the application registers in Micrometer's global registry.
 */
public class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Prometheus text format 0.0.4, what {@link PrometheusMeterRegistry#scrape()} writes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        if (!(getServletContext().getAttribute(MetricsSetup.ATTRIBUTE) instanceof PrometheusMeterRegistry registry)) {
            resp.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    "no Prometheus registry: MetricsSetup is not declared as a listener in web.xml");
            return;
        }
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        resp.setContentType(CONTENT_TYPE);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
