package dev.streamproxy.it.support;

import dev.streamproxy.ProxyConfig;
import dev.streamproxy.ProxyFilter;
import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.host.WebApp;

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
 *   <tr><td>&lt;name&gt;-blocking</td><td>/&lt;name&gt;/*</td><td>-</td><td>{@link PassThroughFilter}, not
 *   async-supported, before a {@link Route} with {@code behindBlockingFilter}</td></tr>
 * </table>
 * Every proxy targets {@code http://127.0.0.1:<upstream>/svc} (dead: an unused port). A test class adds routes of
 * its own with {@link Route} annotations (mapped before "wide"). Host, upstream, raw client access and the pool-leak
 * poll are {@link MatrixApp}'s.
 */
public final class ProxiedApp extends MatrixApp {

    private ProxiedApp(Started started) {
        super(started);
    }

    public static ProxiedApp start(HostKind kind) throws Exception {
        return start(kind, List.of());
    }

    /** Starts the standard application plus the test class's extra {@link Route}s. */
    public static ProxiedApp start(HostKind kind, List<Route> extraRoutes) throws Exception {
        return new ProxiedApp(launch(kind, (upstream, pools) -> {
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
                if (extraRoutes.stream().anyMatch(r -> r.name().equals(p.getKey()) && r.behindBlockingFilter())) {
                    filters.add(new WebApp.FilterMapping(p.getKey() + "-blocking", new PassThroughFilter(), pattern,
                            false));
                }
                filters.add(new WebApp.FilterMapping(p.getKey(), p.getValue(), pattern));
                ProxyFilter f = p.getValue();
                pools.put(p.getKey(), () -> f);
            }
            return filters;
        }));
    }

    private static ProxyConfig.Builder route(String target, String prefix) {
        return ProxyConfig.builder().targetUri(target).prefix(prefix);
    }

    /** @return the container's URI for a raw path-and-query, e.g. {@code /ctx/api/x?y} */
    public URI uri(String pathAndQuery) {
        return URI.create("http://" + authority() + pathAndQuery);
    }
}
