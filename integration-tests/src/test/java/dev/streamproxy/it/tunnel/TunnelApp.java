package dev.streamproxy.it.tunnel;

import dev.streamproxy.ProxyConfig;
import dev.streamproxy.ProxyFilter;
import dev.streamproxy.RouteStatistics;
import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.host.WebApp;
import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.MatrixApp;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The tunnel application, the same in every host: context {@value #CONTEXT}, a real WebSocket server
 * ({@link WsUpstream}) and the raw-socket HTTP upstream of {@link MatrixApp} (for answers other than {@code 101}),
 * and one proxy route per setting, each on {@code /<name>/*} with prefix {@code /<name>}, declared with init-params
 * (parsed by {@link ProxyConfig#fromParameters}, as {@code web.xml} would be):
 *
 * <table>
 *   <tr><th>route</th><th>upstream</th><th>init-params besides targetUri and prefix</th></tr>
 *   <tr><td>ws</td><td>WebSocket server {@code /svc}</td><td>responseTimeout 10s: the defaults otherwise</td></tr>
 *   <tr><td>idle</td><td>WebSocket server</td><td>upgradeIdleTimeout 1s</td></tr>
 *   <tr><td>many</td><td>WebSocket server</td><td>none: its own route, so its tunnel threads can be counted</td></tr>
 *   <tr><td>raw</td><td>raw HTTP upstream {@code /svc}</td><td>responseTimeout 10s</td></tr>
 *   <tr><td>off</td><td>raw HTTP upstream</td><td>upgradeProtocols none</td></tr>
 *   <tr><td>down</td><td>a port where nothing listens</td><td>connectTimeout 2s</td></tr>
 * </table>
 * Host, raw client access and the pool-leak poll are {@link MatrixApp}'s.
 */
public final class TunnelApp extends MatrixApp {

    /** Every route, in the order their statistics are reported. */
    static final List<String> ROUTES = List.of("ws", "idle", "many", "raw", "off", "down");

    private final WsUpstream ws;

    private TunnelApp(Started started, WsUpstream ws) {
        super(started);
        this.ws = ws;
    }

    static TunnelApp start(HostKind kind) throws Exception {
        WsUpstream ws = WsUpstream.start();
        try {
            return new TunnelApp(launch(kind, (raw, proxies) -> {
                String wsTarget = ws.uri(BASE_PATH).toString();
                String rawTarget = raw.uri(BASE_PATH).toString();
                List<WebApp.FilterMapping> filters = new ArrayList<>();
                route(filters, proxies, "ws", wsTarget, "responseTimeout", "10s");
                route(filters, proxies, "idle", wsTarget, "upgradeIdleTimeout", "1s");
                route(filters, proxies, "many", wsTarget);
                route(filters, proxies, "raw", rawTarget, "responseTimeout", "10s");
                route(filters, proxies, "off", rawTarget, "upgradeProtocols", "none");
                route(filters, proxies, "down", "http://127.0.0.1:" + unusedPort() + BASE_PATH,
                        "connectTimeout", "2s");
                return filters;
            }), ws);
        } catch (Exception | Error e) {
            try {
                ws.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void route(List<WebApp.FilterMapping> filters, Map<String, Supplier<ProxyFilter>> proxies,
                              String name, String target, String... params) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("targetUri", target);
        all.put("prefix", "/" + name);
        for (int i = 0; i < params.length; i += 2) {
            all.put(params[i], params[i + 1]);
        }
        ProxyFilter f = new ProxyFilter(ProxyConfig.fromParameters(all));
        filters.add(new WebApp.FilterMapping(name, f, "/" + name + "/*"));
        proxies.put(name, () -> f);
    }

    WsUpstream ws() {
        return ws;
    }

    /** @return {@code ws://127.0.0.1:<port><path>}, e.g. {@code /ctx/ws/echo} */
    URI wsUri(String path) {
        return URI.create("ws://" + authority() + path);
    }

    RouteStatistics statistics(String route) {
        return proxy(route).statistics();
    }

    /** @return open tunnels of every route, by route */
    Map<String, Integer> openTunnels() {
        Map<String, Integer> open = new LinkedHashMap<>();
        for (String r : ROUTES) {
            open.put(r, statistics(r).openTunnels());
        }
        return open;
    }

    /**
     * The after-test invariants of a tunnel: no tunnel open in any route, no pump thread still running, every
     * connection to the WebSocket upstream ended as the upstream sees it, and (as for any exchange) no pooled
     * connection leased.
     */
    void awaitNoTunnelLeft(Duration timeout) {
        Await.until(timeout, "no tunnel open in any route",
                () -> openTunnels().values().stream().allMatch(n -> n == 0), this::openTunnels);
        Await.until(timeout, "no tunnel pump thread running", () -> TunnelThreads.pumps().isEmpty(),
                TunnelThreads::describePumps);
        Await.until(timeout, "every connection to the WebSocket upstream closed", () -> ws.openCount() == 0,
                () -> ws.openCount() + " open");
        awaitNoLeasedConnections(timeout);
        awaitNoSocketHeldByTheContainer(timeout);
        if (Sockets.available()) {
            Await.until(timeout, "no socket left open on the WebSocket upstream's port",
                    () -> Sockets.held(ws.port()).isEmpty(), () -> Sockets.held(ws.port()));
        }
    }

    /**
     * Polls until the container holds no accepted socket any more (a connection it has not closed: open, or in
     * CLOSE_WAIT after the client left); Linux only, where {@code /proc/net/tcp} says.
     */
    void awaitNoSocketHeldByTheContainer(Duration timeout) {
        if (Sockets.available()) {
            Await.until(timeout, "the container closed every client connection",
                    () -> Sockets.held(port()).isEmpty(), () -> Sockets.held(port()));
        }
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            try {
                ws.close();
            } catch (Exception e) {
                throw new IOException("the WebSocket upstream did not stop", e);
            }
        }
    }
}
