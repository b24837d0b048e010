package dev.streamproxy.it.support;

import dev.streamproxy.PoolStatistics;
import dev.streamproxy.ProxyFilter;
import dev.streamproxy.it.host.ContainerHost;
import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.host.WebApp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What {@link ProxiedApp} and {@code fault.FaultApp} share: one host of a {@link HostKind} serving context
 * {@value #CONTEXT} with {@link AppServlet} behind named proxy filters, a raw-socket {@link Upstream} on 127.0.0.1
 * they target under {@value #BASE_PATH}, raw client access, and the pool-leak poll. Subclasses only decide which
 * filters to wire, in {@link #launch}.
 */
public abstract class MatrixApp implements AutoCloseable {

    public static final String CONTEXT = "/ctx";
    /** The upstream base path every route targets. */
    public static final String BASE_PATH = "/svc";

    private final HostKind kind;
    private final String context;
    private final Upstream upstream;
    private final ContainerHost host;
    private final Map<String, Supplier<ProxyFilter>> proxies;
    private final int port;

    protected MatrixApp(Started started) {
        this.kind = started.kind();
        this.context = started.context();
        this.upstream = started.upstream();
        this.host = started.host();
        this.proxies = started.proxies();
        this.port = started.port();
    }

    /** A running host with its upstream, as {@link #launch} leaves it for the subclass constructor. */
    protected record Started(HostKind kind, String context, Upstream upstream, ContainerHost host,
                             Map<String, Supplier<ProxyFilter>> proxies, int port) {
    }

    /** Builds the filter chain of an application once its upstream is listening. */
    @FunctionalInterface
    public interface Wiring {
        /**
         * @param proxies to fill with every proxy filter by route name, in the order pools are reported
         * @return the filter mappings, in chain order
         */
        List<WebApp.FilterMapping> wire(Upstream upstream, Map<String, Supplier<ProxyFilter>> proxies)
                throws Exception;
    }

    /** Starts an upstream, wires the filters, starts a host of {@code kind}; on failure closes what it started. */
    protected static Started launch(HostKind kind, Wiring wiring) throws Exception {
        return launch(kind, CONTEXT, Upstream.start(), wiring);
    }

    /**
     * As {@link #launch(HostKind, Wiring)}, at another context path: for an application that must not share its
     * context path with another one alive in the same JVM (its MBean names contain it).
     */
    protected static Started launch(HostKind kind, String contextPath, Wiring wiring) throws Exception {
        return launch(kind, contextPath, Upstream.start(), wiring);
    }

    /**
     * Wires the filters in front of an upstream already listening (e.g. on an address of the test's choosing) and
     * starts a host of {@code kind}; on failure closes the host and the upstream.
     */
    protected static Started launch(HostKind kind, Upstream upstream, Wiring wiring) throws Exception {
        return launch(kind, CONTEXT, upstream, wiring);
    }

    private static Started launch(HostKind kind, String contextPath, Upstream upstream, Wiring wiring)
            throws Exception {
        ContainerHost host = null;
        try {
            Map<String, Supplier<ProxyFilter>> proxies = new LinkedHashMap<>();
            List<WebApp.FilterMapping> filters = wiring.wire(upstream, proxies);
            host = kind.create();
            int port = host.start(new WebApp(contextPath, filters, new AppServlet()));
            return new Started(kind, contextPath, upstream, host, proxies, port);
        } catch (Exception | Error e) {
            if (host != null) {
                host.close();
            }
            upstream.close();
            throw e;
        }
    }

    /** @return a port on 127.0.0.1 that was free a moment ago and has nothing listening on it */
    protected static int unusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    public HostKind kind() {
        return kind;
    }

    /** @return the context path the application is deployed at, e.g. {@value #CONTEXT} */
    public String context() {
        return context;
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

    public ProxyFilter proxy(String name) {
        Supplier<ProxyFilter> f = proxies.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no proxy route " + name);
        }
        return f.get();
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
        proxies.forEach((name, f) -> stats.put(name, f.get().poolStatistics()));
        return stats;
    }

    /** Polls until no route's pool has a leased connection; fails naming the pools at the deadline. */
    public void awaitNoLeasedConnections(Duration timeout) {
        Await.until(timeout, "every pool back to zero leased connections",
                () -> proxies.values().stream().allMatch(f -> f.get().poolStatistics().leased() == 0),
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
