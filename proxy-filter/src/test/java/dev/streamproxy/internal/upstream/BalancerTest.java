package dev.streamproxy.internal.upstream;

import dev.streamproxy.LoadBalancing;
import dev.streamproxy.internal.route.UpstreamTarget;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BalancerTest {

    private static Target target(int n, int weight) {
        UpstreamTarget configured = new UpstreamTarget(URI.create("http://10.0.0." + n + ":9000/svc"));
        return new Target(configured, configured.endpoint(), weight, new TargetHealth(3, 10_000));
    }

    private static Map<Target, Integer> spread(Balancer b, List<Target> targets, int picks) {
        Map<Target, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(b.pick(targets), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobinRotatesStrictlyOverEqualWeights() {
        List<Target> t = List.of(target(1, 1), target(2, 1), target(3, 1));
        Balancer b = Balancer.of(LoadBalancing.ROUND_ROBIN);
        List<Target> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            order.add(b.pick(t));
        }
        assertEquals(List.of(t.get(0), t.get(1), t.get(2), t.get(0), t.get(1), t.get(2)), order);
    }

    @Test
    void roundRobinHonoursWeightsExactlyAndInterleaves() {
        Target heavy = target(1, 3);
        Target light = target(2, 1);
        Balancer b = Balancer.of(LoadBalancing.ROUND_ROBIN);
        List<Target> order = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            order.add(b.pick(List.of(heavy, light)));
        }
        assertEquals(6, order.stream().filter(x -> x == heavy).count());
        for (int i = 0; i + 1 < order.size(); i++) {
            assertTrue(order.get(i) == heavy || order.get(i + 1) == heavy, "light twice in a row: " + order);
        }
    }

    @Test
    void randomFollowsTheWeights() {
        Target heavy = target(1, 4);
        Target light = target(2, 1);
        Map<Target, Integer> c = spread(Balancer.of(LoadBalancing.RANDOM), List.of(heavy, light), 20_000);
        double share = c.get(heavy) / 20_000.0;
        assertTrue(share > 0.77 && share < 0.83, "heavy got " + share);
    }

    @Test
    void leastInFlightAvoidsABusyTarget() {
        Target busy = target(1, 1);
        Target idle1 = target(2, 1);
        Target idle2 = target(3, 1);
        for (int i = 0; i < 50; i++) {
            busy.begin();
        }
        Map<Target, Integer> c = spread(Balancer.of(LoadBalancing.LEAST_IN_FLIGHT), List.of(busy, idle1, idle2),
                3000);
        assertEquals(null, c.get(busy), "a target with 50 in flight against idle ones must never win");
        assertTrue(c.get(idle1) > 1200 && c.get(idle2) > 1200, c.toString());
    }

    @Test
    void leastInFlightSpreadsEvenlyWhenAllAreEquallyLoaded() {
        List<Target> t = List.of(target(1, 1), target(2, 1), target(3, 1));
        Map<Target, Integer> c = spread(Balancer.of(LoadBalancing.LEAST_IN_FLIGHT), t, 9000);
        for (Target x : t) {
            assertTrue(c.get(x) > 2600 && c.get(x) < 3400, c.toString());
        }
    }

    @Test
    void leastInFlightWeighsLoadByWeight() {
        Target big = target(1, 4);
        Target small = target(2, 1);
        for (int i = 0; i < 3; i++) {
            big.begin(); // 3 in flight on weight 4 is less loaded than 1 on weight 1
        }
        small.begin();
        assertEquals(big, Balancer.of(LoadBalancing.LEAST_IN_FLIGHT).pick(List.of(big, small)));
    }

    @Test
    void aSingleReadyTargetIsAlwaysChosen() {
        Target only = target(1, 1);
        for (LoadBalancing p : LoadBalancing.values()) {
            assertEquals(only, Balancer.of(p).pick(List.of(only)), p.value());
        }
    }

}
