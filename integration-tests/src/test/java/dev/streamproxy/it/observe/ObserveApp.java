package dev.streamproxy.it.observe;

import dev.streamproxy.ProxyFilter;
import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.host.WebApp;
import dev.streamproxy.it.support.MatrixApp;
import dev.streamproxy.it.support.Upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.streamproxy.it.support.RouteWiring.declared;

/**
 * The application the observability suite runs against, the same in every host: a raw-socket {@link Upstream} on
 * 127.0.0.1 and one proxy filter per configuration, each mapped at {@code /<name>/*} with prefix {@code /<name>} and
 * targeting {@code http://127.0.0.1:<upstream>/svc}. Its context path is {@code /obs-<host id>}, one per host, so that
 * the JMX names of two hosts alive in one JVM (Jetty ee10 and ee11) never collide and a test can name its MBean.
 *
 * <table>
 *   <tr><th>route</th><th>init-params besides targetUri, prefix and responseTimeout 10s</th></tr>
 *   <tr><td>ids</td><td>accessLog true (request ids by default: {@code X-Request-Id})</td></tr>
 *   <tr><td>noid</td><td>requestIdHeader none, accessLog true</td></tr>
 *   <tr><td>timing</td><td>serverTiming true</td></tr>
 *   <tr><td>logged</td><td>accessLog true, maxRequestBodySize 1KiB</td></tr>
 *   <tr><td>slowlog</td><td>accessLog true, responseTimeout 500ms, maxRetries 0</td></tr>
 *   <tr><td>shed</td><td>accessLog true, maxConcurrentRequests 1</td></tr>
 *   <tr><td>deadlog</td><td>targets a port where nothing listens; accessLog true, maxRetries 0, connectTimeout 2s</td></tr>
 *   <tr><td>retry</td><td>two targets, the first where nothing listens; loadBalancing round-robin, accessLog true</td></tr>
 *   <tr><td>jmx</td><td>maxRequestBodySize 1KiB, maxRetries 0 (jmx is on by default)</td></tr>
 * </table>
 * Every route is declared with init-params, through {@code new ProxyFilter()} and {@code init(FilterConfig)}: the
 * {@code web.xml} path, so the parsing of the observability parameters is under test too. Tests that must stop an
 * application (MBeans and meters removed in {@code destroy()}) start their own with {@link #start(HostKind, String,
 * MatrixApp.Wiring)}.
 */
public final class ObserveApp extends MatrixApp {

    /** The request body limit of the {@code logged} and {@code jmx} routes. */
    public static final int LIMIT = 1024;

    private final int deadPort;

    private ObserveApp(Started started, int deadPort) {
        super(started);
        this.deadPort = deadPort;
    }

    /** The suite's application on {@code kind}, at {@code /obs-<host id>}. */
    public static ObserveApp start(HostKind kind) throws Exception {
        int dead = unusedPort();
        return new ObserveApp(launch(kind, "/obs-" + kind.id(), (upstream, proxies) -> {
            String target = upstream.uri(BASE_PATH).toString();
            String deadTarget = "http://127.0.0.1:" + dead + BASE_PATH;
            List<WebApp.FilterMapping> filters = new ArrayList<>();
            declared(filters, proxies, "ids", target, Map.of("accessLog", "true"));
            declared(filters, proxies, "noid", target, Map.of("requestIdHeader", "none", "accessLog", "true"));
            declared(filters, proxies, "timing", target, Map.of("serverTiming", "true"));
            declared(filters, proxies, "logged", target, Map.of("accessLog", "true", "maxRequestBodySize", "1KiB"));
            declared(filters, proxies, "slowlog", target,
                    Map.of("accessLog", "true", "responseTimeout", "500ms", "maxRetries", "0"));
            declared(filters, proxies, "shed", target, Map.of("accessLog", "true", "maxConcurrentRequests", "1"));
            declared(filters, proxies, "deadlog", deadTarget,
                    Map.of("accessLog", "true", "maxRetries", "0", "connectTimeout", "2s"));
            declared(filters, proxies, "retry", deadTarget + ", " + target,
                    Map.of("accessLog", "true", "loadBalancing", "round-robin"));
            declared(filters, proxies, "jmx", target, Map.of("maxRequestBodySize", "1KiB", "maxRetries", "0"));
            return filters;
        }), dead);
    }

    /** An application of the test's own, at {@code contextPath}, for a test that stops it itself. */
    public static ObserveApp start(HostKind kind, String contextPath, Wiring wiring) throws Exception {
        return new ObserveApp(launch(kind, contextPath, wiring), -1);
    }

    /** @return the port of the {@code deadlog} route's target (and the {@code retry} route's first), nothing there */
    public int deadPort() {
        return deadPort;
    }

    /** @return {@code <context><pathAndQuery>} */
    public String path(String pathAndQuery) {
        return context() + pathAndQuery;
    }

    /** @return the upstream's address as the access log and the metrics name it */
    public String upstreamAddress() {
        return "127.0.0.1:" + upstream().port();
    }
}
