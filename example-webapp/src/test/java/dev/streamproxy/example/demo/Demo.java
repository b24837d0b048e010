package dev.streamproxy.example.demo;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ClassMatcher;
import org.eclipse.jetty.util.Jetty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo: the {@link DemoUpstream} and the example WAR deployed in embedded Jetty 12 (ee10 {@link WebAppContext},
 * exactly as a user would deploy the WAR), both on 127.0.0.1.
 *
 * <p>The WAR's web.xml targets {@value #DEFAULT_UPSTREAM}. When the upstream runs on another port, the demo
 * rewrites that authority in the ProxyFilter init-params before the filters start (Jetty's FilterHolder API): the
 * WAR itself is never edited.
 */
public final class Demo implements AutoCloseable {

    static final String HOST = "127.0.0.1";
    static final int DEFAULT_UPSTREAM_PORT = 9090;
    static final String DEFAULT_UPSTREAM = "http://" + HOST + ":" + DEFAULT_UPSTREAM_PORT;
    /** The download size the printed curl line uses; its checksum is computed at start. */
    static final String DOWNLOAD_SIZE = "100MiB";

    private final Server upstream;
    private final Server app;

    private Demo(Server upstream, Server app) {
        this.upstream = upstream;
        this.app = app;
    }

    /**
     * Starts the upstream, then the app. A port of 0 picks a free one.
     *
     * @throws java.io.IOException (a {@link java.net.BindException}) when a port is taken; nothing is left running
     */
    public static Demo start(Path war, int appPort, int upstreamPort) throws Exception {
        if (!Files.exists(war)) {
            throw new IllegalArgumentException("no WAR at " + war + ": build it first (mvn -pl example-webapp -am package)");
        }
        Server upstream = DemoUpstream.start(HOST, upstreamPort);
        try {
            int actualUpstreamPort = ((ServerConnector) upstream.getConnectors()[0]).getLocalPort();
            Server app = startApp(war, appPort, actualUpstreamPort);
            return new Demo(upstream, app);
        } catch (Exception e) {
            upstream.stop();
            throw e;
        }
    }

    private static Server startApp(Path war, int port, int upstreamPort) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(HOST);
        connector.setPort(port);
        server.addConnector(connector);

        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setWar(war.toAbsolutePath().toString());
        // The WAR ships slf4j-api without a binding (the application brings its own). Here the webapp uses the
        // launcher's SLF4J, bound to Jetty's logger, so the filter's INFO and WARN lines show on the console.
        webapp.addProtectedClassMatcher(new ClassMatcher("org.slf4j."));
        // Fail the start (instead of serving 503s) when a filter's init() rejects its init-params.
        webapp.setThrowUnavailableOnStartupException(true);
        if (upstreamPort != DEFAULT_UPSTREAM_PORT) {
            webapp.addEventListener(new RetargetProxyFilters(DEFAULT_UPSTREAM, "http://" + HOST + ":" + upstreamPort));
        }
        server.setHandler(webapp);
        server.setStopAtShutdown(true);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        if (!webapp.isAvailable()) {
            server.stop();
            throw new IllegalStateException("the example webapp failed to start; see the log above");
        }
        return server;
    }

    public int appPort() {
        return ((ServerConnector) app.getConnectors()[0]).getLocalPort();
    }

    public int upstreamPort() {
        return ((ServerConnector) upstream.getConnectors()[0]).getLocalPort();
    }

    public String appUrl() {
        return "http://" + HOST + ":" + appPort();
    }

    /** @return the lines the launcher prints: each a command, padded, then a comment saying what it shows */
    public List<String> curlLines(String downloadSha256) {
        String u = appUrl();
        String[][] lines = {
            {"curl " + u + "/", "the app's own page (not proxied)"},
            {"curl " + u + "/status", "the app's own servlet: each route's counters, targets and pools"},
            {"curl -i '" + u + "/api/echo?hello=world'", "GET, echoed by the upstream as /v1/echo?hello=world"},
            {"curl -i -d 'hello proxy' " + u + "/api/echo", "POST with a body"},
            {"curl -i " + u + "/legacy/hello", "2nd route: upstream /legacy-app/hello, client's Host kept"},
            {"curl -i " + u + "/api/redirect", "Location rewritten to point at the proxy"},
            {"head -c 200M /dev/urandom > /tmp/big.bin && sha256sum /tmp/big.bin", "a big file to upload"},
            {"curl -T /tmp/big.bin " + u + "/api/upload", "streamed upload (PUT): the upstream prints size and sha256"},
            {"curl -s '" + u + "/api/download?size=" + DOWNLOAD_SIZE + "' | sha256sum", "expect " + downloadSha256},
            {"curl -N '" + u + "/api/events?count=5'", "server-sent events, one a second, each shown as it arrives"},
            {"curl -s " + u + "/metrics | grep streamproxy_requests",
                "the app's Prometheus metrics: each route's requests by status and target"},
        };
        int width = 0;
        for (String[] line : lines) {
            width = Math.max(width, line[0].length());
        }
        List<String> out = new ArrayList<>();
        for (String[] line : lines) {
            out.add(String.format("%-" + width + "s   # %s", line[0], line[1]));
        }
        return out;
    }

    public void join() throws InterruptedException {
        app.join();
    }

    @Override
    public void close() throws Exception {
        try {
            app.stop();
        } finally {
            upstream.stop();
        }
    }

    static String jettyVersion() {
        return Jetty.VERSION;
    }

    /**
     * Replaces the upstream authority in every ProxyFilter's {@code targetUri}. Runs as a context listener, which
     * Jetty calls after web.xml is read and before any filter's {@code init()}.
     */
    private record RetargetProxyFilters(String from, String to) implements ServletContextListener {
        @Override
        public void contextInitialized(ServletContextEvent event) {
            ServletContextHandler handler = ServletContextHandler.getServletContextHandler(event.getServletContext());
            for (FilterHolder holder : handler.getServletHandler().getFilters()) {
                String target = holder.getInitParameter("targetUri");
                if ("dev.streamproxy.ProxyFilter".equals(holder.getClassName()) && target != null
                        && target.startsWith(from)) {
                    holder.setInitParameter("targetUri", to + target.substring(from.length()));
                }
            }
        }
    }
}
