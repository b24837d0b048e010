package dev.streamproxy.internal.observe;

import dev.streamproxy.RouteStatistics;
import dev.streamproxy.TargetStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The route's Micrometer meters. Loaded only when a registry is configured, so the filter runs without Micrometer
 * on the class path. Names follow Micrometer's conventions (dot-separated, lower case, base units); every meter is
 * tagged {@code route}:
 *
 * <ul>
 * <li>{@code streamproxy.requests} (timer): every exchange, tagged {@code method}, {@code status} (its class:
 *     {@code 2xx} ... {@code 5xx}, or {@code none}), {@code outcome} and {@code target} (the address of the last
 *     target tried, or {@code none});</li>
 * <li>{@code streamproxy.requests.active} (gauge): exchanges in flight;</li>
 * <li>{@code streamproxy.retries} (counter): tries after the first;</li>
 * <li>{@code streamproxy.bytes.in}, {@code streamproxy.bytes.out} (counters, bytes): bodies read from and written
 *     to clients;</li>
 * <li>{@code streamproxy.tunnels.active} (gauge), {@code streamproxy.tunnels.bytes.up} and
 *     {@code streamproxy.tunnels.bytes.down} (counters, bytes): WebSocket and other upgraded connections;</li>
 * <li>{@code streamproxy.upstream.connections} (gauge), tagged {@code target} and {@code state} ({@code leased},
 *     {@code idle}, {@code pending});</li>
 * <li>{@code streamproxy.upstream.active} (gauge), tagged {@code target}: exchanges in flight on it;</li>
 * <li>{@code streamproxy.upstream.failures}, {@code streamproxy.upstream.ejections} (counters), tagged
 *     {@code target}.</li>
 * </ul>
 * Per-target meters follow the targets: {@link #syncTargets()} (on the route's background thread) adds them for a
 * new address and removes those of an address gone. {@link #close()} removes every meter of the route.
 */
public final class MicrometerMetrics implements ExchangeListener, AutoCloseable {

    private final MeterRegistry registry;
    private final Tags route;
    private final Supplier<RouteStatistics> statistics;
    private final List<Meter> routeMeters = new ArrayList<>();
    private final Map<String, List<Meter>> targetMeters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final MultiGauge connections;
    private final MultiGauge active;
    private volatile RouteStatistics latest;

    /**
     * @param registry   the registry (an {@code Object} in the config, so the config loads without Micrometer)
     * @param routeName  the filter's name, the {@code route} tag
     * @param statistics the route's statistics
     */
    public MicrometerMetrics(Object registry, String routeName, Supplier<RouteStatistics> statistics) {
        this.registry = (MeterRegistry) registry;
        this.route = Tags.of("route", routeName);
        this.statistics = statistics;
        this.latest = statistics.get();
        routeMeters.add(Gauge.builder("streamproxy.requests.active", this, m -> m.statistics.get().inFlight())
                .tags(route).description("Exchanges in flight").register(this.registry));
        routeMeters.add(FunctionCounter.builder("streamproxy.retries", this, m -> m.latest().retries())
                .tags(route).description("Tries after the first").register(this.registry));
        routeMeters.add(FunctionCounter.builder("streamproxy.bytes.in", this, m -> m.latest().bytesIn())
                .tags(route).baseUnit("bytes").description("Request body bytes read from clients")
                .register(this.registry));
        routeMeters.add(FunctionCounter.builder("streamproxy.bytes.out", this, m -> m.latest().bytesOut())
                .tags(route).baseUnit("bytes").description("Response body bytes written to clients")
                .register(this.registry));
        routeMeters.add(Gauge.builder("streamproxy.tunnels.active", this, m -> m.statistics.get().openTunnels())
                .tags(route).description("Upgraded connections (WebSocket) open").register(this.registry));
        routeMeters.add(FunctionCounter.builder("streamproxy.tunnels.bytes.up", this, m -> m.latest().tunnelBytesUp())
                .tags(route).baseUnit("bytes").description("Bytes from clients to upstreams through tunnels")
                .register(this.registry));
        routeMeters.add(FunctionCounter.builder("streamproxy.tunnels.bytes.down", this,
                        m -> m.latest().tunnelBytesDown())
                .tags(route).baseUnit("bytes").description("Bytes from upstreams to clients through tunnels")
                .register(this.registry));
        this.connections = MultiGauge.builder("streamproxy.upstream.connections").tags(route)
                .description("Pooled connections per target and state").register(this.registry);
        this.active = MultiGauge.builder("streamproxy.upstream.active").tags(route)
                .description("Exchanges in flight per target").register(this.registry);
        syncTargets();
    }

    private RouteStatistics latest() {
        RouteStatistics s = statistics.get();
        latest = s;
        return s;
    }

    @Override
    public void ended(ExchangeRecord r) {
        String statusClass = r.status() <= 0 ? "none" : (r.status() / 100) + "xx";
        String target = "-".equals(r.target()) ? "none" : r.target();
        String key = r.method() + ' ' + statusClass + ' ' + r.outcome().tag() + ' ' + target;
        timers.computeIfAbsent(key, k -> Timer.builder("streamproxy.requests").tags(route)
                .tag("method", r.method()).tag("status", statusClass).tag("outcome", r.outcome().tag())
                .tag("target", target).description("Proxied exchanges").register(registry))
                .record(r.durationNanos(), TimeUnit.NANOSECONDS);
    }

    /** Adds the meters of new targets and removes those of targets gone; run periodically. */
    public void syncTargets() {
        RouteStatistics s = latest();
        List<MultiGauge.Row<?>> connectionRows = new ArrayList<>();
        List<MultiGauge.Row<?>> activeRows = new ArrayList<>();
        java.util.Set<String> present = new java.util.HashSet<>();
        for (TargetStatistics t : s.targets()) {
            String target = targetTag(t);
            present.add(target);
            Tags tags = Tags.of("target", target);
            connectionRows.add(MultiGauge.Row.of(tags.and("state", "leased"), t.pool().leased()));
            connectionRows.add(MultiGauge.Row.of(tags.and("state", "idle"), t.pool().available()));
            connectionRows.add(MultiGauge.Row.of(tags.and("state", "pending"), t.pool().pending()));
            activeRows.add(MultiGauge.Row.of(tags, t.inFlight()));
            targetMeters.computeIfAbsent(target, k -> List.of(
                    FunctionCounter.builder("streamproxy.upstream.failures", this, m -> m.count(k, false))
                            .tags(route).tags(tags).description("Tries that failed before a response head")
                            .register(registry),
                    FunctionCounter.builder("streamproxy.upstream.ejections", this, m -> m.count(k, true))
                            .tags(route).tags(tags).description("Times the target was ejected")
                            .register(registry)));
        }
        connections.register(connectionRows, true);
        active.register(activeRows, true);
        for (String gone : new ArrayList<>(targetMeters.keySet())) {
            if (!present.contains(gone)) {
                targetMeters.remove(gone).forEach(registry::remove);
            }
        }
    }

    private double count(String target, boolean ejections) {
        for (TargetStatistics t : latest.targets()) {
            if (targetTag(t).equals(target)) {
                return ejections ? t.ejections() : t.failures();
            }
        }
        return 0;
    }

    static String targetTag(TargetStatistics t) {
        return t.address() == null ? t.uri() : t.address();
    }

    /** Removes every meter of the route from the registry. */
    @Override
    public void close() {
        routeMeters.forEach(registry::remove);
        timers.values().forEach(registry::remove);
        targetMeters.values().forEach(meters -> meters.forEach(registry::remove));
        connections.register(List.of(), true);
        active.register(List.of(), true);
    }
}
