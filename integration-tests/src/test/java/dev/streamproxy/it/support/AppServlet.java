package dev.streamproxy.it.support;

import dev.streamproxy.ProxyFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The application's own servlet, mapped as the default servlet: everything the proxy does not take lands here, and
 * says so ({@code X-Served-By: app}), so a test can tell pass-through from proxying.
 */
public final class AppServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        BodyStreams.drain(req.getInputStream());
        resp.setStatus(200);
        resp.setContentType("text/plain;charset=utf-8");
        resp.setHeader("X-Served-By", "app");
        resp.setHeader("X-Servlet-Version",
                getServletContext().getMajorVersion() + "." + getServletContext().getMinorVersion());
        String text = "app " + req.getMethod() + " " + req.getRequestURI();
        String uri = req.getRequestURI();
        if (uri.startsWith(req.getContextPath() + "/status/")) {
            // what an application's health page does: find a proxy by its filter name and read its pool
            String filterName = uri.substring(uri.lastIndexOf('/') + 1);
            Object proxy = getServletContext().getAttribute(ProxyFilter.contextAttributeName(filterName));
            text += " " + (proxy instanceof ProxyFilter p ? p.poolStatistics() : "no such filter");
        }
        resp.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    }
}
