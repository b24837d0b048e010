package dev.streamproxy.it.observe;

import dev.streamproxy.ProxyFilter;
import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.host.WebApp;
import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RouteWiring;
import dev.streamproxy.it.support.Upstream;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The route's MXBean, read from the platform MBean server the embedded hosts share with the test:
 * {@code dev.streamproxy:type=Route,context=<context path>,name=<filter name>}, its counters after known traffic,
 * and its removal when the application stops.
 */
class JmxIT {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    @ObserveTest
    void theRoutesMBeanCountsKnownTraffic(ObserveApp app) throws Exception {
        ObjectName name = new ObjectName("dev.streamproxy:type=Route,context=" + app.context() + ",name=jmx");
        assertTrue(SERVER.isRegistered(name), () -> name + " is not registered; there are " + names("*"));

        // first, on a new connection: a reset on a reused one would be the keep-alive race, which is not the
        // target's fault and is not counted as its failure
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.reset(); // no response head: the try failed
        });
        RawResponse failed = app.send(RawRequest.get(app.path("/jmx/d")));
        app.upstream().reset();
        RawResponse post = app.send(RawRequest.of("POST", app.path("/jmx/a")).body(Payload.bytes(100, 1)));
        RawResponse get = app.send(RawRequest.get(app.path("/jmx/b")));
        RawResponse tooLarge = app.send(RawRequest.of("POST", app.path("/jmx/c"))
                .body(Payload.bytes(ObserveApp.LIMIT + 1, 2)));

        assertEquals(List.of(502, 200, 200, 413), List.of(failed.status(), post.status(), get.status(),
                tooLarge.status()));
        // the counters move when an exchange ends, a moment after its client may have read the whole answer
        Await.until(Duration.ofSeconds(10), "four ended exchanges counted",
                () -> attribute(name, "Requests").equals(4L) && attribute(name, "InFlight").equals(0)
                        && ((Long) attribute(name, "Ok")) + ((Long) attribute(name, "Refused"))
                        + ((Long) attribute(name, "UpstreamErrors")) == 4L,
                () -> attributes(name));
        Map<String, Object> a = attributes(name);
        assertAll(a.toString(),
                () -> assertEquals(4L, a.get("Requests")),
                () -> assertEquals(2L, a.get("Ok")),
                () -> assertEquals(1L, a.get("Refused")),
                () -> assertEquals(1L, a.get("UpstreamErrors")),
                () -> assertEquals(0L, a.get("Timeouts")),
                () -> assertEquals(0L, a.get("ClientGone")),
                () -> assertEquals(0L, a.get("Shed")),
                () -> assertEquals(0L, a.get("Retries")),
                () -> assertEquals(100L, a.get("BytesIn"), "request body bytes read from clients"),
                () -> assertEquals(10L, a.get("BytesOut"), "two echo answers of 5 bytes"),
                () -> assertEquals(0, a.get("InFlight")),
                () -> assertEquals(0, a.get("LeasedConnections")),
                () -> assertEquals(0, a.get("OpenTunnels")));
        CompositeData[] targets = (CompositeData[]) SERVER.getAttribute(name, "Targets");
        assertEquals(1, targets.length);
        CompositeData t = targets[0];
        assertAll(String.valueOf(t),
                () -> assertEquals(app.upstream().uri(ObserveApp.BASE_PATH).toString(), t.get("uri")),
                () -> assertEquals(app.upstreamAddress(), t.get("address")),
                () -> assertEquals("HEALTHY", t.get("state"), "one failure is under maxFails=3"),
                () -> assertEquals(3L, t.get("exchanges"), "three exchanges reached the target"),
                () -> assertEquals(1L, t.get("failures")),
                () -> assertEquals(0L, t.get("ejections")),
                () -> assertEquals(0, t.get("inFlight")),
                () -> assertEquals(0, t.get("leased")),
                // kept alive: the POST's connection, and a second one when the GET was sent in the moment between
                // the client reading the POST's last byte and that connection's return to the pool
                () -> assertTrue((Integer) t.get("available") >= 1 && (Integer) t.get("available") <= 2,
                        "the kept-alive connections"));
    }

    /**
     * Its own application, stopped by the test: while it runs, one bean per route (and a second application at the
     * same context path, as on a second virtual host, gets the {@code instance} key instead of failing or replacing
     * the first); once the applications are stopped, no bean of that context path is left.
     */
    @ObserveTest
    void stoppingTheApplicationRemovesItsMBeans(HostKind kind) throws Exception {
        String context = "/obs-stop-" + kind.id();
        Set<String> expected = new TreeSet<>(List.of(
                "dev.streamproxy:type=Route,context=" + context + ",name=a",
                "dev.streamproxy:type=Route,context=" + context + ",name=b"));
        List<ObserveApp> apps = new ArrayList<>();
        try {
            apps.add(ObserveApp.start(kind, context, JmxIT::twoRoutes));
            assertEquals(expected, names(context));
            RawResponse r = apps.get(0).send(RawRequest.get(context + "/a/x"));
            assertEquals(200, r.status(), r::toString);
            ObjectName first = objectName(context, "a");
            Await.until(Duration.ofSeconds(10), "the exchange counted", () -> attribute(first, "Ok").equals(1L),
                    () -> attributes(first));

            apps.add(ObserveApp.start(kind, context, JmxIT::twoRoutes));
            Set<String> both = new TreeSet<>(expected);
            both.add("dev.streamproxy:type=Route,context=" + context + ",name=a,instance=2");
            both.add("dev.streamproxy:type=Route,context=" + context + ",name=b,instance=2");
            assertEquals(both, names(context));
            assertEquals(1L, attribute(first, "Ok"), "the first application's bean was replaced");
            assertEquals(0L, attribute(new ObjectName(first + ",instance=2"), "Requests"));
        } finally {
            for (ObserveApp a : apps) {
                a.close();
            }
        }
        assertEquals(Set.of(), names(context), "MBeans left behind by a stopped application");
    }

    private static List<WebApp.FilterMapping> twoRoutes(Upstream upstream, Map<String, Supplier<ProxyFilter>> proxies) {
        List<WebApp.FilterMapping> filters = new ArrayList<>();
        String target = upstream.uri(ObserveApp.BASE_PATH).toString();
        RouteWiring.declared(filters, proxies, "a", target, Map.of());
        RouteWiring.declared(filters, proxies, "b", target, Map.of());
        return filters;
    }

    private static ObjectName objectName(String context, String route) throws JMException {
        return new ObjectName("dev.streamproxy:type=Route,context=" + context + ",name=" + route);
    }

    /** @return the names of every streamproxy MBean whose context is {@code context} ({@code *}: any) */
    private static Set<String> names(String context) {
        try {
            Set<String> names = new TreeSet<>();
            for (ObjectName n : SERVER.queryNames(new ObjectName("dev.streamproxy:*"), null)) {
                if (context.equals("*") || context.equals(n.getKeyProperty("context"))) {
                    names.add(n.toString()); // the keys in the order the filter registered them
                }
            }
            return names;
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object attribute(ObjectName name, String attribute) {
        try {
            return SERVER.getAttribute(name, attribute);
        } catch (JMException e) {
            throw new IllegalStateException(name + " " + attribute, e);
        }
    }

    private static Map<String, Object> attributes(ObjectName name) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String n : List.of("Requests", "InFlight", "Ok", "UpstreamErrors", "Timeouts", "ClientGone", "Shed",
                "Refused", "Retries", "BytesIn", "BytesOut", "LeasedConnections", "AvailableConnections",
                "PendingConnections", "OpenTunnels", "TunnelBytesUp", "TunnelBytesDown")) {
            values.put(n, attribute(name, n));
        }
        return values;
    }
}
