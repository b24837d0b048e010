package dev.streamproxy.internal.observe;

import dev.streamproxy.PoolStatistics;
import dev.streamproxy.RouteStatistics;
import dev.streamproxy.TargetState;
import dev.streamproxy.TargetStatistics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MicrometerMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static TargetStatistics target(String address, int leased, long failures) {
        return new TargetStatistics("http://workers:9000/svc", address, 1, TargetState.HEALTHY, leased, 5, failures,
                1, new PoolStatistics(leased, 3, 0, 64));
    }

    private static RouteStatistics stats(List<TargetStatistics> targets) {
        return new RouteStatistics(10, 4, 8, 1, 0, 1, 0, 0, 2, 1000, 2000, 0, 0, 0, targets, new PoolStatistics(1, 3, 0, 64));
    }

    @Test
    void recordsEveryExchangeAndReadsTheRouteAndItsTargets() {
        AtomicReference<RouteStatistics> s = new AtomicReference<>(stats(List.of(target("10.0.0.5:9000", 1, 4))));
        MicrometerMetrics m = new MicrometerMetrics(registry, "api", s::get);
        ExchangeRecord r = new ExchangeRecord("id", "GET", "/api/x");
        r.tryStarted("10.0.0.5:9000");
        r.end(200, ExchangeRecord.Outcome.OK, 0);
        m.ended(r);
        m.ended(r);
        Timer timer = registry.get("streamproxy.requests").tags("route", "api", "method", "GET", "status", "2xx",
                "outcome", "ok", "target", "10.0.0.5:9000").timer();
        assertEquals(2, timer.count());
        assertEquals(4.0, registry.get("streamproxy.requests.active").tag("route", "api").gauge().value());
        assertEquals(2.0, registry.get("streamproxy.retries").functionCounter().count());
        assertEquals(2000.0, registry.get("streamproxy.bytes.out").functionCounter().count());
        assertEquals(1.0, registry.get("streamproxy.upstream.connections")
                .tags("target", "10.0.0.5:9000", "state", "leased").gauge().value());
        assertEquals(3.0, registry.get("streamproxy.upstream.connections")
                .tags("target", "10.0.0.5:9000", "state", "idle").gauge().value());
        assertEquals(4.0, registry.get("streamproxy.upstream.failures").tag("target", "10.0.0.5:9000")
                .functionCounter().count());
    }

    @Test
    void perTargetMetersFollowTheTargetsAndCloseRemovesEverything() {
        AtomicReference<RouteStatistics> s = new AtomicReference<>(stats(List.of(target("10.0.0.5:9000", 0, 0))));
        MicrometerMetrics m = new MicrometerMetrics(registry, "api", s::get);
        s.set(stats(List.of(target("10.0.0.6:9000", 2, 1))));
        m.syncTargets();
        assertNull(registry.find("streamproxy.upstream.failures").tag("target", "10.0.0.5:9000").functionCounter());
        assertEquals(1.0, registry.get("streamproxy.upstream.failures").tag("target", "10.0.0.6:9000")
                .functionCounter().count());
        m.close();
        assertTrue(registry.getMeters().stream().noneMatch(meter -> meter.getId().getName().startsWith("streamproxy")),
                registry.getMeters().toString());
    }
}
