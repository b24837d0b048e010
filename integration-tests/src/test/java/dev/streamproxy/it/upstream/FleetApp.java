package dev.streamproxy.it.upstream;

import dev.streamproxy.HostResolver;
import dev.streamproxy.LoadBalancing;
import dev.streamproxy.ProxyConfig;
import dev.streamproxy.ProxyFilter;
import dev.streamproxy.RouteStatistics;
import dev.streamproxy.TargetStatistics;
import dev.streamproxy.it.fault.FaultApp;
import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.host.WebApp;
import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.MatrixApp;
import dev.streamproxy.it.support.Upstream;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.streamproxy.it.support.RouteWiring.declared;
import static dev.streamproxy.it.support.RouteWiring.programmatic;

/**
 * The application of the upstream suite (several upstreams per route), the same in every host: context
 * {@value #CONTEXT}, a fleet of three raw-socket {@link Upstream}s listening on the <em>same</em> ephemeral port P of
 * three loopback addresses, 127.0.0.1, 127.0.0.2 and 127.0.0.3 ({@link #upstream(int) upstream(1..3)}), and one proxy
 * route per behaviour, mapped at {@code /<name>/*} with prefix {@code /<name>} and base path {@value #BASE_PATH}.
 * Port P of 127.0.0.4 to 127.0.0.8 has nothing listening: dead targets, or spares a test starts an upstream on
 * ({@link #startSpare}) to bring a target back, and closes.
 *
 * <table>
 *   <tr><th>route</th><th>declared</th><th>targets (last octet)</th><th>what differs</th></tr>
 *   <tr><td>rr</td><td>init-params</td><td>1, 2, 3</td><td>loadBalancing round-robin</td></tr>
 *   <tr><td>random</td><td>builder</td><td>1, 2, 3</td><td>loadBalancing random</td></tr>
 *   <tr><td>lif</td><td>builder</td><td>1, 2, 3</td><td>least-in-flight (the default)</td></tr>
 *   <tr><td>down</td><td>init-params</td><td>1, 2, 5 (dead)</td><td>round-robin, failTimeout 1m</td></tr>
 *   <tr><td>alldown</td><td>builder</td><td>5, 6, 7 (all dead)</td><td>connectTimeout {@link #ALL_DOWN_CONNECT_TIMEOUT}
 *       </td></tr>
 *   <tr><td>retry</td><td>builder</td><td>1, 2, 3</td><td>round-robin, maxRetries 2, retryBufferSize
 *       {@link #RETRY_WINDOW}, maxFails 1000 (health never interferes)</td></tr>
 *   <tr><td>eject</td><td>init-params</td><td>1, 4 (spare)</td><td>round-robin, maxFails 2, failTimeout
 *       {@link #EJECT_FAIL_TIMEOUT}</td></tr>
 *   <tr><td>allejected</td><td>builder</td><td>8 (spare), 5 (dead)</td><td>round-robin, maxFails 1, failTimeout
 *       1m</td></tr>
 *   <tr><td>status</td><td>init-params</td><td>1, 2, 3</td><td>round-robin, retryOnStatus 503</td></tr>
 *   <tr><td>dns</td><td>builder</td><td>{@value #DNS_NAME}, resolved by {@link #dns()}</td><td>round-robin,
 *       dnsRefreshInterval 200ms</td></tr>
 *   <tr><td>admit</td><td>init-params</td><td>1, 2</td><td>maxConcurrentRequests 2</td></tr>
 *   <tr><td>stall1</td><td>builder</td><td>1</td><td>responseTimeout {@link #STALL_RESPONSE_TIMEOUT}, maxRetries 2,
 *       maxFails 1000</td></tr>
 *   <tr><td>stall3</td><td>builder</td><td>1, 2, 3</td><td>round-robin, responseTimeout
 *       {@link #STALL_RESPONSE_TIMEOUT}, maxRetries 3 (more than the other targets), maxFails 1000</td></tr>
 *   <tr><td>refused1</td><td>builder</td><td>5 (dead)</td><td>maxRetries 2, maxFails 1000</td></tr>
 * </table>
 * Every other route has responseTimeout 10s. Routes declared with init-params go through {@code new ProxyFilter()} and
 * {@code init(FilterConfig)} (the {@code web.xml} path), so the parsing of the new init-params is under test too.
 * Host, raw client access and the total pool-leak poll are {@link MatrixApp}'s; this class adds the per-target
 * checks ({@link #awaitQuiet}) that the {@link FleetMatrix} makes after every test.
 */
public final class FleetApp extends MatrixApp {

    /** The host name of the {@code dns} route, resolved only by the test's {@link SwitchableResolver}. */
    public static final String DNS_NAME = "fleet.test";
    /** The connect timeout of the {@code alldown} route. */
    public static final Duration ALL_DOWN_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** The {@code eject} route's failTimeout: a first ejection's length, doubled for the next one in a row. */
    public static final Duration EJECT_FAIL_TIMEOUT = Duration.ofSeconds(1);
    /** The {@code retry} route's replay window ({@code retryBufferSize}). */
    public static final int RETRY_WINDOW = 64 * 1024;
    /** The responseTimeout of the {@code stall1} and {@code stall3} routes. */
    public static final Duration STALL_RESPONSE_TIMEOUT = Duration.ofSeconds(1);
    /** Last octets of the addresses where nothing listens, ever. */
    public static final int DEAD = 5;
    /** Every route, in the order of the table above: each has one thread, {@code streamproxy-<route>}. */
    public static final List<String> ROUTES = List.of("rr", "random", "lif", "down", "alldown", "retry", "eject",
            "allejected", "status", "dns", "admit", "stall1", "stall3", "refused1");

    private final List<Upstream> fleet;
    private final SwitchableResolver dns;

    private FleetApp(Started started, List<Upstream> fleet, SwitchableResolver dns) {
        super(started);
        this.fleet = fleet;
        this.dns = dns;
    }

    public static FleetApp start(HostKind kind) throws Exception {
        List<Upstream> fleet = startFleet();
        int port = fleet.get(0).port();
        SwitchableResolver dns = new SwitchableResolver(1, 2);
        try {
            Started started = launch(kind, fleet.get(0), (first, proxies) -> {
                List<WebApp.FilterMapping> filters = new ArrayList<>();
                String all = targets(port, 1, 2, 3);
                declared(filters, proxies, "rr", all, Map.of("loadBalancing", "round-robin"));
                programmatic(filters, proxies, "random", route(all, "random").loadBalancing(LoadBalancing.RANDOM));
                programmatic(filters, proxies, "lif", route(all, "lif")
                        .loadBalancing(LoadBalancing.LEAST_IN_FLIGHT));
                declared(filters, proxies, "down", targets(port, 1, 2, DEAD),
                        Map.of("loadBalancing", "round-robin", "failTimeout", "1m"));
                programmatic(filters, proxies, "alldown", route(targets(port, 5, 6, 7), "alldown")
                        .connectTimeout(ALL_DOWN_CONNECT_TIMEOUT));
                programmatic(filters, proxies, "retry", route(all, "retry").loadBalancing(LoadBalancing.ROUND_ROBIN)
                        .maxRetries(2).retryBufferSize(RETRY_WINDOW).maxFails(1000));
                declared(filters, proxies, "eject", targets(port, 1, 4), Map.of("loadBalancing", "round-robin",
                        "maxFails", "2", "failTimeout", EJECT_FAIL_TIMEOUT.toMillis() + "ms"));
                programmatic(filters, proxies, "allejected", route(targets(port, 8, DEAD), "allejected")
                        .loadBalancing(LoadBalancing.ROUND_ROBIN).maxFails(1).failTimeout(Duration.ofMinutes(1)));
                declared(filters, proxies, "status", all,
                        Map.of("loadBalancing", "round-robin", "retryOnStatus", "503"));
                programmatic(filters, proxies, "dns", route("http://" + DNS_NAME + ":" + port + BASE_PATH, "dns")
                        .resolver(dns).dnsRefreshInterval(Duration.ofMillis(200))
                        .loadBalancing(LoadBalancing.ROUND_ROBIN));
                declared(filters, proxies, "admit", targets(port, 1, 2), Map.of("maxConcurrentRequests", "2"));
                programmatic(filters, proxies, "stall1", route(targets(port, 1), "stall1")
                        .responseTimeout(STALL_RESPONSE_TIMEOUT).maxRetries(2).maxFails(1000));
                programmatic(filters, proxies, "stall3", route(all, "stall3").loadBalancing(LoadBalancing.ROUND_ROBIN)
                        .responseTimeout(STALL_RESPONSE_TIMEOUT).maxRetries(3).maxFails(1000));
                programmatic(filters, proxies, "refused1", route(targets(port, DEAD), "refused1")
                        .maxRetries(2).maxFails(1000));
                if (!proxies.keySet().equals(new java.util.LinkedHashSet<>(ROUTES))) {
                    throw new IllegalStateException("ROUTES does not list the routes: " + proxies.keySet());
                }
                return filters;
            });
            return new FleetApp(started, fleet, dns);
        } catch (Exception | Error e) {
            // launch closed the first upstream
            fleet.get(1).close();
            fleet.get(2).close();
            throw e;
        }
    }

    /** Three upstreams on one ephemeral port of 127.0.0.1, .2 and .3; another port when .2 or .3 has it taken. */
    private static List<Upstream> startFleet() throws IOException {
        BindException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            List<Upstream> started = new ArrayList<>();
            try {
                started.add(Upstream.start(loopback(1), 0));
                int port = started.get(0).port();
                started.add(Upstream.start(loopback(2), port));
                started.add(Upstream.start(loopback(3), port));
                return List.copyOf(started);
            } catch (BindException e) {
                last = e;
                for (Upstream u : started) {
                    u.close();
                }
            }
        }
        throw last;
    }

    /** @return {@code 127.0.0.<lastOctet>} */
    public static InetAddress loopback(int lastOctet) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastOctet});
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String targets(int port, int... lastOctets) {
        return IntStream.of(lastOctets).mapToObj(o -> "http://127.0.0." + o + ":" + port + BASE_PATH)
                .collect(Collectors.joining(", "));
    }

    private static ProxyConfig.Builder route(String targets, String name) {
        return ProxyConfig.builder().targetUri(targets).prefix("/" + name).responseTimeout(Duration.ofSeconds(10));
    }

    /** @return the port every address of the fleet listens on (and the spares and dead ones would) */
    public int fleetPort() {
        return fleet.get(0).port();
    }

    /**
     * @param lastOctet 1, 2 or 3
     * @return the upstream on {@code 127.0.0.<lastOctet>}
     */
    public Upstream upstream(int lastOctet) {
        return fleet.get(lastOctet - 1);
    }

    /** @return how many request heads each upstream of the fleet received since the last reset, for 1, 2, 3 */
    public List<Integer> requestCounts() {
        return fleet.stream().map(Upstream::requestCount).toList();
    }

    /** @return request heads received by the whole fleet since the last reset */
    public int totalRequests() {
        return fleet.stream().mapToInt(Upstream::requestCount).sum();
    }

    /** Every upstream of the fleet answers with {@code h}. */
    public void handleAll(Upstream.Handler h) {
        fleet.forEach(u -> u.handle(h));
    }

    /**
     * Starts an upstream on port P of a spare address, where a target of some route has had nothing listening; the
     * test closes it.
     */
    public Upstream startSpare(int lastOctet) throws IOException {
        return Upstream.start(loopback(lastOctet), fleetPort());
    }

    /** @return {@code 127.0.0.<lastOctet>:<P>}, a target's address as the statistics report it */
    public String address(int lastOctet) {
        return "127.0.0." + lastOctet + ":" + fleetPort();
    }

    /** @return the resolver of the {@code dns} route: the test decides what {@value #DNS_NAME} resolves to */
    public SwitchableResolver dns() {
        return dns;
    }

    public RouteStatistics statistics(String route) {
        return proxy(route).statistics();
    }

    /** @return the route's target at {@code 127.0.0.<lastOctet>}, or null when it has none there (now) */
    public TargetStatistics target(String route, int lastOctet) {
        String address = address(lastOctet);
        return statistics(route).targets().stream().filter(t -> address.equals(t.address())).findFirst()
                .orElse(null);
    }

    /** @return a client that keeps one connection to the container alive across requests */
    public KeepAliveClient client() {
        return new KeepAliveClient(this);
    }

    /** Every upstream back to echo with its records cleared, and {@value #DNS_NAME} back to 127.0.0.1 and .2. */
    public void resetFleet() {
        fleet.forEach(Upstream::reset);
        dns.answer(1, 2);
    }

    /**
     * The after-test invariants: no connection leased in any route's pool (in total, and on every target, draining
     * ones included), no exchange in flight on any route or target, and no request thread left inside the proxy.
     */
    public void awaitQuiet(Duration timeout) {
        awaitNoLeasedConnections(timeout);
        Await.until(timeout, "every target of every route idle: nothing leased, nothing in flight",
                this::everyTargetIdle, this::describeTargets);
        FaultApp.awaitNoThreadInsideTheProxy(timeout);
    }

    private boolean everyTargetIdle() {
        for (String route : ROUTES) {
            RouteStatistics s = statistics(route);
            if (s.inFlight() != 0 || s.pool().leased() != 0) {
                return false;
            }
            for (TargetStatistics t : s.targets()) {
                if (t.inFlight() != 0 || t.pool().leased() != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** @return every route's in-flight count and targets, for failure messages */
    public String describeTargets() {
        StringBuilder sb = new StringBuilder();
        for (String route : ROUTES) {
            RouteStatistics s = statistics(route);
            sb.append('\n').append(route).append(": inFlight=").append(s.inFlight()).append(' ').append(s.pool());
            for (TargetStatistics t : s.targets()) {
                sb.append("\n  ").append(t);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            fleet.get(1).close();
            fleet.get(2).close();
        }
    }

    /**
     * What {@value FleetApp#DNS_NAME} resolves to, changed by the test while traffic flows; any other name does not
     * resolve.
     */
    public static final class SwitchableResolver implements HostResolver {

        private volatile List<InetAddress> answer;

        SwitchableResolver(int... lastOctets) {
            answer(lastOctets);
        }

        /** From now on {@value FleetApp#DNS_NAME} resolves to {@code 127.0.0.<o>} for each of {@code lastOctets}. */
        public void answer(int... lastOctets) {
            answer = IntStream.of(lastOctets).mapToObj(FleetApp::loopback).toList();
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            if (!DNS_NAME.equalsIgnoreCase(host)) {
                throw new UnknownHostException(host);
            }
            return answer.toArray(new InetAddress[0]);
        }
    }
}
