package dev.streamproxy.it.fault;

import dev.streamproxy.ProxyConfig;
import dev.streamproxy.ProxyFilter;
import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.host.WebApp;
import dev.streamproxy.it.support.AppServlet;
import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.MatrixApp;
import dev.streamproxy.it.support.ProxyThreads;
import dev.streamproxy.it.support.Upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.streamproxy.it.support.RouteWiring.declared;
import static dev.streamproxy.it.support.RouteWiring.programmatic;

/**
 * The application the fault suite attacks, the same in every host: context {@value #CONTEXT}, a raw-socket
 * {@link Upstream} on 127.0.0.1, and one proxy filter per configuration a fault needs, each mapped at
 * {@code /<name>/*} with prefix {@code /<name>} and targeting {@code http://127.0.0.1:<upstream>/svc}:
 *
 * <table>
 *   <tr><th>route</th><th>declared</th><th>what differs</th></tr>
 *   <tr><td>api</td><td>builder</td><td>responseTimeout 10s: the ordinary route</td></tr>
 *   <tr><td>slow</td><td>builder</td><td>responseTimeout 500ms</td></tr>
 *   <tr><td>duplex</td><td>builder</td><td>responseTimeout {@link #DUPLEX_RESPONSE_TIMEOUT}: full-duplex exchanges,
 *       where a proxy that waits for the end of the upload stalls until this timeout ends it</td></tr>
 *   <tr><td>single</td><td>builder</td><td>maxConnections 1, connectionRequestTimeout 500ms: one pooled connection
 *       that every request reuses</td></tr>
 *   <tr><td>pool</td><td>builder</td><td>maxConnections 4, connectionRequestTimeout 1s</td></tr>
 *   <tr><td>one1 .. one5</td><td>builder</td><td>maxConnections 1 each: for faults that may corrupt the one pooled
 *       connection, one route per test so that a corrupted connection cannot leak into the next test</td></tr>
 *   <tr><td>named</td><td>builder</td><td>targets {@code http://localhost:<upstream>/svc}, maxConnections 1</td></tr>
 *   <tr><td>dead</td><td>builder</td><td>targets a port where nothing listens</td></tr>
 *   <tr><td>trusted</td><td>init-params</td><td>trustedProxies 127.0.0.1/32 and ::1, forwardedHeaders both</td></tr>
 *   <tr><td>fwd</td><td>init-params</td><td>forwardedHeaders forwarded</td></tr>
 *   <tr><td>both</td><td>init-params</td><td>forwardedHeaders both, nobody trusted</td></tr>
 *   <tr><td>none</td><td>init-params</td><td>forwardedHeaders none</td></tr>
 *   <tr><td>limit</td><td>init-params</td><td>maxRequestBodySize 1KiB</td></tr>
 *   <tr><td>headers50</td><td>init-params</td><td>maxRequestHeaders 50: under every container's own header-count
 *       limit, so that the filter's 431 is what every host answers</td></tr>
 *   <tr><td>underscores</td><td>init-params</td><td>allowUnderscoreHeaders true</td></tr>
 *   <tr><td>wide</td><td>builder, mapped {@code /*}</td><td>sees every request of the context, so its own prefix
 *       match decides what it proxies (the container's normalisation cannot route a request around it)</td></tr>
 * </table>
 * Routes declared with init-params go through {@code new ProxyFilter()} and {@code init(FilterConfig)}, the
 * {@code web.xml} path, so the init-param parser is under test too. Everything else lands in {@link AppServlet},
 * which answers with {@code X-Served-By: app}. Host, upstream, raw client access and the pool-leak poll are
 * {@link MatrixApp}'s; this class adds the stuck-thread check.
 */
public final class FaultApp extends MatrixApp {

    /** The body of the filter's own 400 for an ambiguous path, to tell it from a container's 400. */
    public static final String FILTER_400 = "400 Bad Request: ambiguous path\n";
    /** Upstream body size limit of the {@code limit} route. */
    public static final int LIMIT = 1024;
    /** Request header lines the {@code headers50} route accepts. */
    public static final int HEADER_LIMIT = 50;
    /** The {@code duplex} route's responseTimeout. */
    public static final Duration DUPLEX_RESPONSE_TIMEOUT = Duration.ofSeconds(5);

    private FaultApp(Started started) {
        super(started);
    }

    public static FaultApp start(HostKind kind) throws Exception {
        return new FaultApp(launch(kind, (upstream, proxies) -> {
            String target = upstream.uri(BASE_PATH).toString();
            List<WebApp.FilterMapping> filters = new ArrayList<>();
            programmatic(filters, proxies, "api", route(target, "api").responseTimeout(Duration.ofSeconds(10)));
            programmatic(filters, proxies, "slow", route(target, "slow").responseTimeout(Duration.ofMillis(500)));
            programmatic(filters, proxies, "duplex", route(target, "duplex")
                    .responseTimeout(DUPLEX_RESPONSE_TIMEOUT));
            programmatic(filters, proxies, "single", route(target, "single").maxConnections(1)
                    .connectionRequestTimeout(Duration.ofMillis(500)));
            programmatic(filters, proxies, "pool", route(target, "pool").maxConnections(4)
                    .connectionRequestTimeout(Duration.ofSeconds(1)));
            for (int i = 1; i <= 5; i++) {
                programmatic(filters, proxies, "one" + i, route(target, "one" + i).maxConnections(1));
            }
            // the upstream by name: a cookie store keeps cookies for a host name, not always for an IP literal
            programmatic(filters, proxies, "named", route(upstream.uri(BASE_PATH).toString()
                    .replace("127.0.0.1", "localhost"), "named").maxConnections(1));
            programmatic(filters, proxies, "dead", route("http://127.0.0.1:" + unusedPort() + BASE_PATH, "dead")
                    .connectTimeout(Duration.ofSeconds(2)));
            declared(filters, proxies, "trusted", target,
                    Map.of("trustedProxies", "127.0.0.1/32, ::1", "forwardedHeaders", "both"));
            declared(filters, proxies, "fwd", target, Map.of("forwardedHeaders", "forwarded"));
            declared(filters, proxies, "both", target, Map.of("forwardedHeaders", "both"));
            declared(filters, proxies, "none", target, Map.of("forwardedHeaders", "none"));
            declared(filters, proxies, "limit", target, Map.of("maxRequestBodySize", "1KiB"));
            declared(filters, proxies, "headers50", target,
                    Map.of("maxRequestHeaders", Integer.toString(HEADER_LIMIT)));
            declared(filters, proxies, "underscores", target, Map.of("allowUnderscoreHeaders", "true"));
            ProxyFilter wide = new ProxyFilter(route(target, "wide").build());
            filters.add(new WebApp.FilterMapping("wide", wide, "/*"));
            proxies.put("wide", () -> wide);
            return filters;
        }));
    }

    private static ProxyConfig.Builder route(String target, String name) {
        return ProxyConfig.builder().targetUri(target).prefix("/" + name);
    }

    /**
     * Polls until no thread is inside the proxy's exchange (a container request thread stuck in a read or write
     * that nothing will ever end); fails with the stuck threads' stacks at the deadline.
     */
    public static void awaitNoThreadInsideTheProxy(Duration timeout) {
        Await.until(timeout, "no request thread left inside the proxy", () -> threadsInsideTheProxy().isEmpty(),
                FaultApp::describeThreadsInsideTheProxy);
    }

    /** Both after-test invariants: zero leased connections and no request thread stuck in the proxy. */
    public void awaitQuiet(Duration timeout) {
        awaitNoLeasedConnections(timeout);
        awaitNoThreadInsideTheProxy(timeout);
    }

    static Map<Thread, StackTraceElement[]> threadsInsideTheProxy() {
        return ProxyThreads.inside();
    }

    private static String describeThreadsInsideTheProxy() {
        return ProxyThreads.describe();
    }
}
