package dev.streamproxy.it.observe;

import dev.streamproxy.ProxyConfig;
import dev.streamproxy.ProxyFilter;
import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.host.WebApp;
import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A route registered programmatically with {@code ProxyConfig.builder()...meterRegistry(registry)}: its meters count
 * known traffic with the documented names and tags, and {@code destroy()} removes every one of them. The application
 * is the test's own, so the test can stop it.
 */
class MicrometerIT {

    /** How often the filter refreshes its per-target gauges (the route's background task, every 5 s), twice. */
    private static final Duration TARGET_SYNC = Duration.ofSeconds(10);

    @ObserveTest
    void theRoutesMetersCountKnownTrafficAndLeaveWithTheFilter(HostKind kind) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String context = "/obs-meters-" + kind.id();
        String target;
        try (ObserveApp app = ObserveApp.start(kind, context, (upstream, proxies) -> {
            ProxyFilter f = new ProxyFilter(ProxyConfig.builder().targetUri(upstream.uri(ObserveApp.BASE_PATH).toString())
                    .prefix("/metered").maxRetries(0).meterRegistry(registry).build());
            proxies.put("metered", () -> f);
            return List.of(new WebApp.FilterMapping("metered", f, "/metered/*"));
        })) {
            target = app.upstreamAddress();
            app.upstream().handle(ex -> {
                ex.readAndRecord();
                ex.reset(); // no response head: the try failed
            });
            RawResponse failed = app.send(RawRequest.get(context + "/metered/fails"));
            app.upstream().reset();
            RawResponse get1 = app.send(RawRequest.get(context + "/metered/a"));
            RawResponse get2 = app.send(RawRequest.get(context + "/metered/b"));
            RawResponse post = app.send(RawRequest.of("POST", context + "/metered/c").body(Payload.bytes(100, 4)));
            assertEquals(List.of(502, 200, 200, 200), List.of(failed.status(), get1.status(), get2.status(),
                    post.status()));

            // meters move when an exchange ends, a moment after its client may have read the whole answer
            Await.until(Duration.ofSeconds(10), "four exchanges timed", () -> registry.find("streamproxy.requests")
                    .tag("route", "metered").timers().stream().mapToLong(Timer::count).sum() == 4, () -> dump(registry));
            assertAll(dump(registry),
                    () -> assertEquals(2, timer(registry, "GET", "2xx", "ok", target).count()),
                    () -> assertEquals(1, timer(registry, "POST", "2xx", "ok", target).count()),
                    () -> assertEquals(1, timer(registry, "GET", "5xx", "upstream-error", target).count()),
                    () -> assertEquals(15.0, counter(registry, "streamproxy.bytes.out").count(), "three echo answers"),
                    () -> assertEquals(100.0, counter(registry, "streamproxy.bytes.in").count()),
                    () -> assertEquals(0.0, counter(registry, "streamproxy.retries").count()),
                    () -> assertEquals(0.0, gauge(registry, "streamproxy.requests.active").value()));
            // per-target gauges are refreshed by the route's background task: the kept-alive connection shows
            // within two of its periods
            long waiting = System.nanoTime();
            Await.until(TARGET_SYNC, "an idle pooled connection in streamproxy.upstream.connections{state=idle}",
                    () -> {
                        Gauge idle = registry.find("streamproxy.upstream.connections").tags("route", "metered",
                                "target", target, "state", "idle").gauge();
                        return idle != null && idle.value() >= 1;
                    }, () -> dump(registry));
            System.out.printf("[%s] streamproxy.upstream.connections{state=idle} showed the idle connection %d ms"
                    + " after the exchanges ended%n", kind, (System.nanoTime() - waiting) / 1_000_000);
            assertEquals(1.0, registry.get("streamproxy.upstream.failures").tags("route", "metered", "target", target)
                    .functionCounter().count(), dump(registry));
        }
        List<Meter> left = registry.getMeters().stream().filter(m -> m.getId().getName().startsWith("streamproxy"))
                .toList();
        assertEquals(List.of(), left, "meters left after destroy(): " + left.stream().map(Meter::getId).toList());
    }

    private static Timer timer(SimpleMeterRegistry registry, String method, String status, String outcome,
                               String target) {
        Timer t = registry.find("streamproxy.requests").tags("route", "metered", "method", method, "status", status,
                "outcome", outcome, "target", target).timer();
        assertNotNull(t, () -> "no streamproxy.requests " + method + " " + status + " " + outcome + " " + target
                + " in " + dump(registry));
        return t;
    }

    private static FunctionCounter counter(SimpleMeterRegistry registry, String name) {
        return registry.get(name).tag("route", "metered").functionCounter();
    }

    private static Gauge gauge(SimpleMeterRegistry registry, String name) {
        return registry.get(name).tag("route", "metered").gauge();
    }

    private static String dump(SimpleMeterRegistry registry) {
        return registry.getMeters().stream().map(m -> m.getId() + " " + m.measure())
                .collect(Collectors.joining("\n  ", "\n  ", ""));
    }
}
