package dev.streamproxy.internal.upstream;

import dev.streamproxy.HostResolver;
import dev.streamproxy.LoadBalancing;
import dev.streamproxy.TargetState;
import dev.streamproxy.internal.client.Endpoint;
import dev.streamproxy.internal.route.UpstreamTarget;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetSetTest {

    private final AtomicReference<String[]> dns = new AtomicReference<>(new String[] {"127.0.0.2", "127.0.0.3"});
    private final List<Endpoint> removed = new ArrayList<>();
    private final HostResolver resolver = host -> {
        String[] answer = dns.get();
        if (answer.length == 0) {
            throw new UnknownHostException(host);
        }
        InetAddress[] a = new InetAddress[answer.length];
        for (int i = 0; i < answer.length; i++) {
            a[i] = InetAddress.getByName(answer[i]);
        }
        return a;
    };

    private TargetSet set(String... uris) {
        List<TargetSet.Spec> specs = new ArrayList<>();
        for (String u : uris) {
            specs.add(new TargetSet.Spec(new UpstreamTarget(URI.create(u)), 1));
        }
        return new TargetSet("test", specs, resolver, LoadBalancing.ROUND_ROBIN, 2, 10_000, removed::add);
    }

    private static Set<String> addresses(List<Target> targets) {
        return targets.stream().map(t -> t.endpoint().address() == null ? t.endpoint().hostName()
                : t.endpoint().address().getHostAddress()).collect(Collectors.toSet());
    }

    @Test
    void aHostNameBecomesOneTargetPerAddressKeepingTheNameForTlsAndHost() {
        TargetSet s = set("https://workers.internal:8443/svc");
        assertEquals(Set.of("127.0.0.2", "127.0.0.3"), addresses(s.all()));
        for (Target t : s.all()) {
            assertEquals("workers.internal", t.endpoint().hostName());
            assertTrue(t.endpoint().tls());
            assertEquals("workers.internal:8443", t.configured().authority());
        }
    }

    @Test
    void anIpLiteralIsOneTargetWithoutResolution() {
        dns.set(new String[0]);
        TargetSet s = set("http://10.0.0.5:9000/svc", "http://[::1]:9000/svc");
        assertEquals(2, s.size());
        assertEquals("10.0.0.5", s.all().get(0).endpoint().address().getHostAddress());
        assertEquals("10.0.0.5", s.all().get(0).endpoint().hostName());
    }

    @Test
    void aNameThatDoesNotResolveYetIsResolvedAtConnectTimeAndReplacedLater() {
        dns.set(new String[0]);
        TargetSet s = set("http://workers.internal:9000");
        assertEquals(1, s.size());
        assertNull(s.all().get(0).endpoint().address());
        dns.set(new String[] {"127.0.0.2"});
        s.refresh();
        assertEquals(Set.of("127.0.0.2"), addresses(s.all()));
    }

    @Test
    void aRefreshAddsNewAddressesAndDrainsVanishedOnesUntilTheirLastExchangeEnds() {
        TargetSet s = set("http://workers.internal:9000");
        Target leaving = s.all().stream().filter(t -> t.endpoint().address().getHostAddress().equals("127.0.0.3"))
                .findFirst().orElseThrow();
        leaving.begin();
        dns.set(new String[] {"127.0.0.2", "127.0.0.4"});
        s.refresh();
        assertEquals(2, s.size());
        assertEquals(TargetState.DRAINING, leaving.state(0));
        assertEquals(Set.of("127.0.0.2", "127.0.0.4", "127.0.0.3"), addresses(s.all()));
        for (int i = 0; i < 20; i++) {
            Target t = s.select(List.of(), 0);
            assertNotEquals(leaving, t, "a draining target got a new exchange");
            s.finish(t);
        }
        assertTrue(removed.isEmpty());
        s.finish(leaving);
        assertEquals(List.of(leaving.endpoint()), removed);
        assertEquals(Set.of("127.0.0.2", "127.0.0.4"), addresses(s.all()));
    }

    @Test
    void aRefreshWithoutAnswerKeepsTheTargetsItHad() {
        TargetSet s = set("http://workers.internal:9000");
        List<Target> before = s.all();
        dns.set(new String[0]);
        s.refresh();
        assertEquals(before, s.all());
    }

    @Test
    void aRetryGoesToATargetNotTriedYetWhileThereIsOne() {
        TargetSet s = set("http://workers.internal:9000");
        Target first = s.select(List.of(), 0);
        Target second = s.select(List.of(first), 0);
        assertNotEquals(first, second);
        Target third = s.select(List.of(first, second), 0);
        assertTrue(third == first || third == second);
    }

    @Test
    void ejectedTargetsAreSkippedAndWhenAllAreEjectedTheLeastRecentlyFailedIsTried() {
        TargetSet s = set("http://workers.internal:9000");
        Target a = s.all().get(0);
        Target b = s.all().get(1);
        for (int i = 0; i < 2; i++) {
            a.record(Target.Outcome.FAILED, 100);
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(b, s.select(List.of(), 200));
        }
        for (int i = 0; i < 2; i++) {
            b.record(Target.Outcome.FAILED, 300);
        }
        assertEquals(TargetState.EJECTED, a.state(300));
        assertEquals(TargetState.EJECTED, b.state(300));
        assertEquals(a, s.select(List.of(), 400), "all ejected: the least recently failed, never a refusal");
    }
}
