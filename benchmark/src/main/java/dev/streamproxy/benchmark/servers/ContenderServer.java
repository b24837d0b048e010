package dev.streamproxy.benchmark.servers;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.streamproxy.LoadBalancing;
import dev.streamproxy.ProxyConfig;
import dev.streamproxy.ProxyFilter;
import dev.streamproxy.RouteStatistics;
import dev.streamproxy.TargetStatistics;

import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * One contender, alone in its JVM: a container (embedded Jetty 12 ee10 or Tomcat 11) serving {@code /api/*} through
 * one of the proxies, to the upstream's {@code /svc}. Arguments are {@code key=value}:
 * <ul>
 *   <li>{@code proxy=streamproxy|naive|jetty-proxyservlet|smiley}</li>
 *   <li>{@code container=jetty|tomcat} (Tomcat is for streamproxy only)</li>
 *   <li>{@code upstream=http://127.0.0.1:PORT}, or several comma-separated (streamproxy only: a route over several
 *   targets); {@code loadBalancing=least-in-flight|round-robin|random} picks streamproxy's policy</li>
 *   <li>{@code threads=platform|virtual|qtp-virtual} (virtual needs JDK 21+); {@code maxThreads=N} for platform
 *   (default: the container's own default, 200 for both); {@code maxTasks=N} for Jetty's VirtualThreadPool
 *   (its default admits 200 concurrent tasks; 0 = no cap)</li>
 *   <li>{@code maxConnections=N}: the proxy's upstream pool size (default 256 for every proxy)</li>
 * </ul>
 * Besides the proxy, the context serves the application's own page at {@link #APP_PAGE} (a few bytes, not proxied).
 * Prints {@code READY port=P admin=A} when listening; the admin endpoint is {@link Admin}, whose {@code /stats} also
 * carries streamproxy's pool and route counters ({@code routeRetries}, {@code routeOpenTunnels}: WebSocket tunnels
 * open now, and {@code exchanges.PORT}, {@code failures.PORT}, {@code ejections.PORT} per target).
 */
public final class ContenderServer {

    public static final String PREFIX = "/api";
    /** The application's own page ({@link AppPage}), beside the proxied prefix in the same context. */
    public static final String APP_PAGE = "/app/ping";

    private ContenderServer() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String proxy = a.getOrDefault("proxy", "streamproxy");
        String container = a.getOrDefault("container", "jetty");
        List<String> targets = Arrays.stream(a.get("upstream").split(",")).map(u -> u.trim() + "/svc").toList();
        String target = String.join(", ", targets);
        String threads = a.getOrDefault("threads", "platform");
        int maxThreads = Integer.parseInt(a.getOrDefault("maxThreads", "200"));
        int maxConnections = Integer.parseInt(a.getOrDefault("maxConnections", "256"));
        int maxTasks = Integer.parseInt(a.getOrDefault("maxTasks", "-1"));

        ProxyFilter[] streamproxy = new ProxyFilter[1];
        Supplier<String> extra = () -> {
            if (streamproxy[0] == null) {
                return "";
            }
            try {
                var s = streamproxy[0].poolStatistics();
                return "poolLeased=" + s.leased() + "\npoolAvailable=" + s.available() + "\npoolPending=" + s.pending()
                        + "\n" + routeCounters(streamproxy[0].statistics());
            } catch (LinkageError e) {
                // a baseline contender runs a proxy-filter jar from another commit, which may lack these counters:
                // /stats then carries the JVM's own figures only
                return "";
            }
        };
        if (targets.size() > 1 && !proxy.equals("streamproxy")) {
            throw new IllegalArgumentException(proxy + " takes one upstream");
        }
        ProxyConfig.Builder config = ProxyConfig.builder().targetUri(target).prefix(PREFIX).maxConnections(maxConnections);
        if (a.containsKey("loadBalancing")) {
            config.loadBalancing(LoadBalancing.parse(a.get("loadBalancing")));
        }
        Filter filter = switch (proxy) {
            case "streamproxy" -> streamproxy[0] = new ProxyFilter(config.build());
            case "naive" -> new NaiveProxyFilter(target, PREFIX);
            default -> null;
        };

        int port = container.equals("tomcat")
                ? startTomcat(filter, threads, maxThreads, a.getOrDefault("tomcatConnector", ""))
                : startJetty(proxy, filter, target, threads, maxThreads, maxTasks, maxConnections);
        int adminPort = Admin.start(extra);
        System.out.println("READY port=" + port + " admin=" + adminPort);
        System.out.flush();
        Thread.currentThread().join();
    }

    private static String routeCounters(RouteStatistics route) {
        if (route == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder("routeRequests=" + route.requests() + "\nrouteRetries=" + route.retries()
                + "\nrouteOpenTunnels=" + route.openTunnels() + "\n");
        for (TargetStatistics t : route.targets()) {
            int port = URI.create(t.uri()).getPort();
            sb.append("exchanges.").append(port).append('=').append(t.exchanges()).append('\n')
                    .append("failures.").append(port).append('=').append(t.failures()).append('\n')
                    .append("ejections.").append(port).append('=').append(t.ejections()).append('\n');
        }
        return sb.toString();
    }

    private static int startJetty(String proxy, Filter filter, String target, String threads, int maxThreads,
                                  int maxTasks, int maxConnections) throws Exception {
        ThreadPool pool;
        switch (threads) {
            case "virtual" -> {
                // VirtualThreadPool() admits 200 concurrent tasks (a semaphore); maxTasks=0 lifts the cap
                VirtualThreadPool v = new VirtualThreadPool();
                if (maxTasks >= 0) {
                    v.setMaxConcurrentTasks(maxTasks);
                }
                pool = v;
            }
            case "qtp-virtual" -> {
                QueuedThreadPool q = new QueuedThreadPool(maxThreads);
                q.setVirtualThreadsExecutor(VirtualThreads.getDefaultVirtualThreadsExecutor());
                pool = q;
            }
            default -> pool = new QueuedThreadPool(maxThreads);
        }
        Server server = jetty(proxy, filter, target, pool, maxConnections);
        server.start();
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /**
     * The Jetty server of one contender, not started: on 127.0.0.1 and any free port, serving {@code /api/*} through
     * {@code filter} (streamproxy or the naive filter), or through Jetty's or Smiley's proxy servlet when
     * {@code filter} is null, to {@code target}.
     */
    public static Server jetty(String proxy, Filter filter, String target, ThreadPool pool, int maxConnections) {
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(4096);
        connector.setIdleTimeout(120_000);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        if (filter != null) {
            FilterHolder holder = new FilterHolder(filter);
            holder.setName(proxy);
            holder.setAsyncSupported(true);
            context.addFilter(holder, PREFIX + "/*", EnumSet.of(DispatcherType.REQUEST));
        } else if (proxy.equals("jetty-proxyservlet")) {
            ServletHolder holder = new ServletHolder(proxy, ProxyServlet.Transparent.class);
            holder.setInitParameter("proxyTo", target);
            holder.setInitParameter("prefix", PREFIX);
            holder.setInitParameter("maxConnections", Integer.toString(maxConnections));
            holder.setAsyncSupported(true);
            context.addServlet(holder, PREFIX + "/*");
        } else if (proxy.equals("smiley")) {
            ServletHolder holder = new ServletHolder(proxy, org.mitre.dsmiley.httpproxy.ProxyServlet.class);
            holder.setInitParameter("targetUri", target);
            holder.setInitParameter("log", "false");
            holder.setInitParameter("forwardip", "true");
            // its default comes from the http.maxConnections system property (5 per route); give it the same pool as the others
            holder.setInitParameter("http.maxConnections", Integer.toString(maxConnections));
            context.addServlet(holder, PREFIX + "/*");
        } else {
            throw new IllegalArgumentException("unknown proxy " + proxy);
        }
        context.addServlet(new ServletHolder("app", new AppPage()), APP_PAGE);
        context.addServlet(new ServletHolder("not-found", new NotFound()), "/");
        server.setHandler(context);
        return server;
    }

    private static int startTomcat(Filter filter, String threads, int maxThreads, String tomcatConnector)
            throws Exception {
        if (filter == null) {
            throw new IllegalArgumentException("the Tomcat contender runs a filter");
        }
        Path base = Files.createTempDirectory("bench-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("acceptCount", "4096");
        connector.setProperty("maxConnections", "20000");
        // Tomcat closes a keep-alive connection after 100 requests by default; Jetty and nginx (as set up here) do not
        connector.setProperty("maxKeepAliveRequests", "-1");
        connector.setProperty("connectionTimeout", "120000");
        connector.setProperty("keepAliveTimeout", "120000");
        if (threads.equals("virtual")) {
            connector.setProperty("useVirtualThreads", "true");
        } else {
            connector.setProperty("maxThreads", Integer.toString(maxThreads));
        }
        // connector settings beyond the defaults, "name=value;..." (the opt-in streamproxy-tomcat-64k contender)
        for (String kv : tomcatConnector.split(";")) {
            if (!kv.isBlank()) {
                String[] nv = kv.trim().split("=", 2);
                connector.setProperty(nv[0], nv[1]);
            }
        }
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        var context = tomcat.addContext("", base.toString());
        FilterDef def = new FilterDef();
        def.setFilterName("streamproxy");
        def.setFilter(filter);
        def.setAsyncSupported("true");
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("streamproxy");
        map.addURLPattern(PREFIX + "/*");
        context.addFilterMap(map);
        Tomcat.addServlet(context, "app", new AppPage());
        context.addServletMapping(APP_PAGE, "app");
        Tomcat.addServlet(context, "not-found", new NotFound());
        context.addServletMapping("/", "not-found");
        tomcat.start();
        return connector.getLocalPort();
    }

    /**
     * The application's own page: a few bytes from a servlet of the same webapp, not proxied. The streams mode asks
     * for it while thousands of streams are open, to show whether the container still has a thread for the
     * application itself.
     */
    static final class AppPage extends HttpServlet {
        private static final byte[] BODY = "ok\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws java.io.IOException {
            resp.setContentType("text/plain");
            resp.setContentLength(BODY.length);
            resp.getOutputStream().write(BODY);
        }
    }

    /** What requests outside the prefix reach. */
    static final class NotFound extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws java.io.IOException {
            resp.sendError(404);
        }
    }
}
