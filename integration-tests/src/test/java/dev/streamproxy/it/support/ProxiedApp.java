package dev.streamproxy.it.support;

import dev.streamproxy.PoolStatistics;
import dev.streamproxy.ProxyConfig;
import dev.streamproxy.ProxyFilter;
import dev.streamproxy.it.host.ContainerHost;
import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.host.WebApp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The application every scenario runs against, the same in every host: context {@value #CONTEXT}, a real upstream on
 * 127.0.0.1, and these filters in chain order in front of {@link AppServlet} (mapped at {@code /}):
 *
 * <table>
 *   <tr><th>filter</th><th>url-pattern</th><th>prefix</th><th>what differs</th></tr>
 *   <tr><td>form-reader</td><td>/api/*</td><td>-</td><td>{@link FormReadingFilter}, runs before the proxy</td></tr>
 *   <tr><td>api</td><td>/api/*</td><td>/api</td><td>the ordinary route</td></tr>
 *   <tr><td>slow</td><td>/slow/*</td><td>/slow</td><td>responseTimeout 500ms</td></tr>
 *   <tr><td>single</td><td>/single/*</td><td>/single</td><td>maxConnections 1, connectionRequestTimeout 500ms</td></tr>
 *   <tr><td>dead</td><td>/dead/*</td><td>/dead</td><td>targets a port where nothing listens</td></tr>
 *   <tr><td>host</td><td>/host/*</td><td>/host</td><td>preserveHost</td></tr>
 *   <tr><td>wide</td><td>/*</td><td>/wide</td><td>sees every request, so its own prefix match is what routes</td></tr>
 * </table>
 * Every proxy targets {@code http://127.0.0.1:<upstream>/svc} (dead: an unused port). A test class adds routes of
 * its own with {@link Route} annotations (mapped before "wide").
 */
public final class ProxiedApp implements AutoCloseable {

    public static final String CONTEXT = "/ctx";
    /** The upstream base path every route targets. */
    public static final String BASE_PATH = "/svc";

    private final HostKind kind;
    private final Upstream upstream;
    private final ContainerHost host;
    private final Map<String, ProxyFilter> proxies;
    private final int port;

    private ProxiedApp(HostKind kind, Upstream upstream, ContainerHost host, Map<String, ProxyFilter> proxies,
                       int port) {
        this.kind = kind;
        this.upstream = upstream;
        this.host = host;
        this.proxies = proxies;
        this.port = port;
    }

    public static ProxiedApp start(HostKind kind) throws Exception {
        return start(kind, List.of());
    }

    /** Starts the standard application plus the test class's extra {@link Route}s. */
    public static ProxiedApp start(HostKind kind, List<Route> extraRoutes) throws Exception {
        Upstream upstream = Upstream.start();
        ContainerHost host = null;
        try {
            String target = upstream.uri(BASE_PATH).toString();
            Map<String, ProxyFilter> proxies = new LinkedHashMap<>();
            proxies.put("api", new ProxyFilter(route(target, "/api").responseTimeout(Duration.ofSeconds(10)).build()));
            proxies.put("slow", new ProxyFilter(route(target, "/slow").responseTimeout(Duration.ofMillis(500)).build()));
            proxies.put("single", new ProxyFilter(route(target, "/single").maxConnections(1)
                    .connectionRequestTimeout(Duration.ofMillis(500)).build()));
            proxies.put("dead", new ProxyFilter(route("http://127.0.0.1:" + unusedPort() + BASE_PATH, "/dead")
                    .connectTimeout(Duration.ofSeconds(2)).build()));
            proxies.put("host", new ProxyFilter(route(target, "/host").preserveHost(true).build()));
            for (Route r : extraRoutes) {
                if (proxies.containsKey(r.name()) || r.name().equals("form-reader")) {
                    throw new IllegalArgumentException("route name already taken: " + r.name());
                }
                Map<String, String> params = new LinkedHashMap<>();
                for (String p : r.params()) {
                    int eq = p.indexOf('=');
                    params.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
                }
                params.put("targetUri", target);
                params.put("prefix", "/" + r.name());
                proxies.put(r.name(), new ProxyFilter(ProxyConfig.fromParameters(params)));
            }
            // last, so that every other route has had its chance: it sees whatever reached the chain
            proxies.put("wide", new ProxyFilter(route(target, "/wide").build()));

            List<WebApp.FilterMapping> filters = new ArrayList<>();
            filters.add(new WebApp.FilterMapping("form-reader", new FormReadingFilter(), "/api/*"));
            for (Map.Entry<String, ProxyFilter> p : proxies.entrySet()) {
                String pattern = p.getKey().equals("wide") ? "/*" : "/" + p.getKey() + "/*";
                filters.add(new WebApp.FilterMapping(p.getKey(), p.getValue(), pattern));
            }
            host = kind.create();
            int port = host.start(new WebApp(CONTEXT, filters, new AppServlet()));
            return new ProxiedApp(kind, upstream, host, proxies, port);
        } catch (Exception | Error e) {
            if (host != null) {
                host.close();
            }
            upstream.close();
            throw e;
        }
    }

    private static ProxyConfig.Builder route(String target, String prefix) {
        return ProxyConfig.builder().targetUri(target).prefix(prefix);
    }

    /** @return a port on 127.0.0.1 that was free a moment ago and has nothing listening on it */
    private static int unusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    public HostKind kind() {
        return kind;
    }

    public String hostDescription() {
        return host.description();
    }

    public Upstream upstream() {
        return upstream;
    }

    public int port() {
        return port;
    }

    /** @return {@code 127.0.0.1:<port>}, the Host a client of the container sends */
    public String authority() {
        return "127.0.0.1:" + port;
    }

    /** @return the container's URI for a raw path-and-query, e.g. {@code /ctx/api/x?y} */
    public URI uri(String pathAndQuery) {
        return URI.create("http://" + authority() + pathAndQuery);
    }

    public ProxyFilter proxy(String name) {
        ProxyFilter f = proxies.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no proxy route " + name);
        }
        return f;
    }

    /** Sends one request on a new raw connection and reads the whole response. */
    public RawResponse send(RawRequest request) throws IOException {
        try (ClientConnection c = connect()) {
            return c.send(request).readResponse(request.method());
        }
    }

    public ClientConnection connect() throws IOException {
        return ClientConnection.open(port);
    }

    /** @return every route's pool statistics, by filter name */
    public Map<String, PoolStatistics> poolStatistics() {
        Map<String, PoolStatistics> stats = new LinkedHashMap<>();
        proxies.forEach((name, f) -> stats.put(name, f.poolStatistics()));
        return stats;
    }

    /** Polls until no route's pool has a leased connection; fails naming the pools at the deadline. */
    public void awaitNoLeasedConnections(Duration timeout) {
        Await.until(timeout, "every pool back to zero leased connections",
                () -> proxies.values().stream().allMatch(f -> f.poolStatistics().leased() == 0),
                this::poolStatistics);
    }

    @Override
    public void close() throws IOException {
        try {
            host.close();
        } finally {
            upstream.close();
        }
    }

    @Override
    public String toString() {
        return kind + " (" + host.description() + ")";
    }
}
