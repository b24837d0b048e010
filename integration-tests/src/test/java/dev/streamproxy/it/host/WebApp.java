package dev.streamproxy.it.host;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;

import java.util.List;

/**
 * A web application described independently of the container: filters in chain order, and one servlet mapped as
 * the default servlet ({@code /}) that serves every path no filter answered.
 *
 * @param contextPath e.g. {@code /ctx}
 * @param filters     filters in the order they run
 * @param servlet     the application's own servlet
 */
public record WebApp(String contextPath, List<FilterMapping> filters, Servlet servlet) {

    /**
     * @param name           the filter name (what {@code web.xml} calls filter-name)
     * @param filter         the instance
     * @param urlPattern     one servlet url-pattern, e.g. {@code /api/*}
     * @param asyncSupported what {@code web.xml} calls async-supported (false there unless set)
     */
    public record FilterMapping(String name, Filter filter, String urlPattern, boolean asyncSupported) {

        /** An async-supported filter, as every filter here is unless a test says otherwise. */
        public FilterMapping(String name, Filter filter, String urlPattern) {
            this(name, filter, urlPattern, true);
        }
    }
}
