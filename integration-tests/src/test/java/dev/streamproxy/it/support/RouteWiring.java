package dev.streamproxy.it.support;

import dev.streamproxy.ProxyConfig;
import dev.streamproxy.ProxyFilter;
import dev.streamproxy.it.host.WebApp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How the suites' applications add a route: filter {@code name} mapped at {@code /<name>/*} with prefix
 * {@code /<name>}, either built programmatically or declared with init-params as {@code web.xml} would, and
 * registered by name so that a test and the after-each checks can reach its {@link ProxyFilter}.
 */
public final class RouteWiring {

    private RouteWiring() {
    }

    /** A {@code new ProxyFilter(config)}, as an application registers one in code. */
    public static void programmatic(List<WebApp.FilterMapping> filters, Map<String, Supplier<ProxyFilter>> proxies,
                                    String name, ProxyConfig.Builder config) {
        ProxyFilter f = new ProxyFilter(config.build());
        filters.add(new WebApp.FilterMapping(name, f, "/" + name + "/*"));
        proxies.put(name, () -> f);
    }

    /**
     * A {@code new ProxyFilter()} with these init-params besides {@code targetUri}, {@code prefix} and a 10 s
     * {@code responseTimeout} (which {@code params} may override), read and validated by the filter in {@code init}.
     */
    public static void declared(List<WebApp.FilterMapping> filters, Map<String, Supplier<ProxyFilter>> proxies,
                                String name, String targets, Map<String, String> params) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("targetUri", targets);
        all.put("prefix", "/" + name);
        all.put("responseTimeout", "10s");
        all.putAll(params);
        InitParamFilter f = new InitParamFilter(new ProxyFilter(), all);
        filters.add(new WebApp.FilterMapping(name, f, "/" + name + "/*"));
        proxies.put(name, f::delegate);
    }
}
