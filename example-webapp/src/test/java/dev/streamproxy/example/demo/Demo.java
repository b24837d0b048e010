package dev.streamproxy.example.demo;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ClassMatcher;
import org.eclipse.jetty.util.Jetty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo: two {@link DemoUpstream}s and the example WAR deployed in embedded Jetty 12 (ee10 {@link WebAppContext},
 * exactly as a user would deploy the WAR), all on 127.0.0.1.
 *
 * <p>The WAR's web.xml targets the upstreams at {@value #DEFAULT_UPSTREAM_PORT} and {@value #DEFAULT_UPSTREAM_PORT2}.
 * When they run on other ports, the demo rewrites those authorities in the ProxyFilter init-params before the filters
 * start (Jetty's FilterHolder API): the WAR itself is never edited.
 */
public final class Demo implements AutoCloseable {

    static final String HOST = "127.0.0.1";
    static final int DEFAULT_UPSTREAM_PORT = 9090;
    static final int DEFAULT_UPSTREAM_PORT2 = 9091;
    /** The download size the printed curl line uses; its checksum is computed at start. */
    static final String DOWNLOAD_SIZE = "100MiB";
    /** The Sec-WebSocket-Key of the printed handshake: RFC 6455's example key. */
    static final String WEBSOCKET_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    /** Commands longer than this do not push the comments of all the others to the right. */
    private static final int MAX_ALIGNED_COMMAND = 100;

    private final Server upstream;
    private final Server upstream2;
    private final Server app;
    private final WebAppContext webapp;

    private Demo(Server upstream, Server upstream2, Server app) {
        this.upstream = upstream;
        this.upstream2 = upstream2;
        this.app = app;
        this.webapp = (WebAppContext) app.getHandler();
    }

    /**
     * Starts the two upstreams, then the app. A port of 0 picks a free one.
     *
     * @throws java.io.IOException (a {@link java.net.BindException}) when a port is taken; nothing is left running
     */
    public static Demo start(Path war, int appPort, int upstreamPort, int upstreamPort2) throws Exception {
        if (!Files.exists(war)) {
            throw new IllegalArgumentException("no WAR at " + war + ": build it first (mvn -pl example-webapp -am package)");
        }
        if (upstreamPort != 0 && upstreamPort == upstreamPort2) {
            throw new IllegalArgumentException("the two demo upstreams need two ports, not " + upstreamPort + " twice");
        }
        List<Server> started = new ArrayList<>();
        try {
            Server upstream = DemoUpstream.start(HOST, upstreamPort);
            started.add(upstream);
            Server upstream2 = DemoUpstream.start(HOST, upstreamPort2);
            started.add(upstream2);
            Map<Integer, Integer> ports = new LinkedHashMap<>();
            ports.put(DEFAULT_UPSTREAM_PORT, port(upstream));
            ports.put(DEFAULT_UPSTREAM_PORT2, port(upstream2));
            Server app = startApp(war, appPort, ports);
            return new Demo(upstream, upstream2, app);
        } catch (Exception e) {
            for (Server server : started) {
                server.stop();
            }
            throw e;
        }
    }

    private static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** @param upstreamPorts the web.xml's upstream port to the port that upstream really listens on */
    private static Server startApp(Path war, int port, Map<Integer, Integer> upstreamPorts) throws Exception {
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
        if (upstreamPorts.entrySet().stream().anyMatch(e -> !e.getKey().equals(e.getValue()))) {
            webapp.addEventListener(new RetargetProxyFilters(Map.copyOf(upstreamPorts)));
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
        return port(app);
    }

    /** @return the first upstream's port (web.xml: 9090), the only one of routes api and legacy */
    public int upstreamPort() {
        return port(upstream);
    }

    /** @return the second upstream's port (web.xml: 9091), the other target of route workers */
    public int upstreamPort2() {
        return port(upstream2);
    }

    public String appUrl() {
        return "http://" + HOST + ":" + appPort();
    }

    /** @return the WebSocket echo through the proxy: route api, upstream path {@code /v1/ws} */
    public String webSocketUrl() {
        return "ws://" + HOST + ":" + appPort() + "/api/ws";
    }

    /**
     * One proxy route of the running webapp, as its filter was initialised (after any port rewrite).
     *
     * @param name          the filter's name
     * @param pathSpec      its url-pattern, e.g. {@code /api/*}
     * @param targets       the base URIs of its targets, without weights
     * @param loadBalancing its loadBalancing init-param, or null when not set
     */
    public record Route(String name, String pathSpec, List<String> targets, String loadBalancing) {
    }

    /** @return the webapp's ProxyFilter routes in web.xml order */
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        for (FilterHolder holder : webapp.getServletHandler().getFilters()) {
            if (!PROXY_FILTER.equals(holder.getClassName())) {
                continue;
            }
            String pathSpec = "";
            for (FilterMapping mapping : webapp.getServletHandler().getFilterMappings()) {
                if (holder.getName().equals(mapping.getFilterName()) && mapping.getPathSpecs() != null) {
                    pathSpec = String.join(",", mapping.getPathSpecs());
                }
            }
            List<String> targets = Arrays.stream(holder.getInitParameter("targetUri").split(","))
                    .map(t -> t.trim().split("\\s+")[0]).toList();
            routes.add(new Route(holder.getName(), pathSpec, targets, holder.getInitParameter("loadBalancing")));
        }
        return routes;
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
            {"for i in 1 2 3 4; do curl -s " + u + "/workers/whoami; done",
                "3rd route, round-robin: answers alternate, upstream " + upstreamPort() + " / upstream "
                        + upstreamPort2()},
            {"curl -i " + u + "/workers/whoami",
                "X-Upstream: who answered; X-Request-Id, Server-Timing: added by the proxy"},
            {"head -c 200M /dev/urandom > /tmp/big.bin && sha256sum /tmp/big.bin", "a big file to upload"},
            {"curl -T /tmp/big.bin " + u + "/api/upload", "streamed upload (PUT): the upstream prints size and sha256"},
            {"curl -s '" + u + "/api/download?size=" + DOWNLOAD_SIZE + "' | sha256sum", "expect " + downloadSha256},
            {"curl -N '" + u + "/api/events?count=5'", "server-sent events, one a second, each shown as it arrives"},
            {"curl -s " + u + "/metrics | grep streamproxy_requests",
                "the app's Prometheus metrics: each route's requests by status and target"},
            {"curl -i -N -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13'"
                    + " -H 'Sec-WebSocket-Key: " + WEBSOCKET_KEY + "' " + u + "/api/ws",
                "WebSocket: the upstream's 101 relayed (Ctrl-C to end); any WebSocket client gets an echo of each"
                        + " message from " + webSocketUrl() + ", e.g. websocat or a browser's devtools: new WebSocket('"
                        + webSocketUrl() + "')"},
        };
        // the column of comments lines up after the usual commands; a longer one (the WebSocket handshake) overhangs
        int width = 0;
        for (String[] line : lines) {
            if (line[0].length() <= MAX_ALIGNED_COMMAND) {
                width = Math.max(width, line[0].length());
            }
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
            try {
                upstream.stop();
            } finally {
                upstream2.stop();
            }
        }
    }

    static String jettyVersion() {
        return Jetty.VERSION;
    }

    private static final String PROXY_FILTER = "dev.streamproxy.ProxyFilter";
    private static final Pattern DEMO_AUTHORITY = Pattern.compile("http://" + Pattern.quote(HOST) + ":(\\d+)");

    /**
     * Points every ProxyFilter's {@code targetUri} (each URI of its list) at the ports the upstreams really listen
     * on: {@code http://127.0.0.1:9090} and {@code :9091} are replaced in one pass, so swapped ports work too. Runs
     * as a context listener, which Jetty calls after web.xml is read and before any filter's {@code init()}.
     */
    private record RetargetProxyFilters(Map<Integer, Integer> ports) implements ServletContextListener {
        @Override
        public void contextInitialized(ServletContextEvent event) {
            ServletContextHandler handler = ServletContextHandler.getServletContextHandler(event.getServletContext());
            for (FilterHolder holder : handler.getServletHandler().getFilters()) {
                String target = holder.getInitParameter("targetUri");
                if (PROXY_FILTER.equals(holder.getClassName()) && target != null) {
                    holder.setInitParameter("targetUri", retarget(target));
                }
            }
        }

        String retarget(String targetUri) {
            Matcher m = DEMO_AUTHORITY.matcher(targetUri);
            return m.replaceAll(match -> {
                Integer to = ports.get(Integer.parseInt(match.group(1)));
                return Matcher.quoteReplacement(to == null ? match.group() : "http://" + HOST + ":" + to);
            });
        }
    }
}
