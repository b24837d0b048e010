package dev.streamproxy.internal.upstream;

import dev.streamproxy.LoadBalancing;
import dev.streamproxy.internal.client.Endpoint;
import dev.streamproxy.internal.route.UpstreamTarget;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TriesTest {

    private static TargetSet targets(String... uris) {
        List<TargetSet.Spec> specs = new ArrayList<>();
        for (String u : uris) {
            specs.add(new TargetSet.Spec(new UpstreamTarget(URI.create(u)), 1));
        }
        return new TargetSet("test", specs, InetAddress::getAllByName, LoadBalancing.ROUND_ROBIN, 3, 10_000,
                (Endpoint e) -> { });
    }

    @Test
    void aTryThatReachedTheOnlyTargetLeavesNoTargetForARetry() {
        TargetSet set = targets("http://127.0.0.1:1");
        Tries tries = new Tries();
        Target t = set.select(tries.tried(), tries.mustAvoid(), 0);
        tries.started(t);

        assertFalse(tries.anotherTargetAllowed(set.all(), true), "a timed-out request went to its target again");
        tries.failed(t, "timed out", true);
        assertFalse(tries.anotherTargetAllowed(set.all(), true));
    }

    @Test
    void aTryThatSentNothingMayGoToTheSameTargetAgain() {
        TargetSet set = targets("http://127.0.0.1:1");
        Tries tries = new Tries();
        Target t = set.select(tries.tried(), tries.mustAvoid(), 0);
        tries.started(t);
        tries.failed(t, "connection refused", false);

        assertTrue(tries.anotherTargetAllowed(set.all(), false));
        assertEquals(t, set.select(tries.tried(), tries.mustAvoid(), 0));
    }

    @Test
    void afterATryThatReachedItsTargetOnlyTargetsNeverTriedAreChosen() {
        TargetSet set = targets("http://127.0.0.1:1", "http://127.0.0.2:1", "http://127.0.0.3:1");
        Tries tries = new Tries();
        List<Target> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Target t = set.select(tries.tried(), tries.mustAvoid(), 0);
            assertFalse(seen.contains(t), "the request went twice to " + t);
            seen.add(t);
            tries.started(t);
            assertEquals(i < 2, tries.anotherTargetAllowed(set.all(), true));
            tries.failed(t, "timed out", true);
        }
    }

    @Test
    void aTargetTheRequestReachedIsNeverChosenAgainEvenAfterARefusalElsewhere() {
        TargetSet set = targets("http://127.0.0.1:1", "http://127.0.0.2:1");
        Tries tries = new Tries();
        Target first = set.select(tries.tried(), tries.mustAvoid(), 0);
        tries.started(first);
        tries.failed(first, "timed out", true);
        Target second = set.select(tries.tried(), tries.mustAvoid(), 0);
        assertNotEquals(first, second);
        tries.started(second);
        tries.failed(second, "connection refused", false);

        assertTrue(tries.anotherTargetAllowed(set.all(), false), "the refusing target may be tried again");
        for (int i = 0; i < 5; i++) {
            assertEquals(second, set.select(tries.tried(), tries.mustAvoid(), 0));
        }
    }

    @Test
    void theLogLineNamesEachTargetOnceEvenWhenTheCauseStartsWithIt() {
        TargetSet set = targets("http://127.0.0.1:1", "http://127.0.0.2:1");
        Tries tries = new Tries();
        Target a = set.select(tries.tried(), tries.mustAvoid(), 0);
        tries.started(a);
        tries.failed(a, a + ": SocketTimeoutException: Read timed out", true);
        Target b = set.select(tries.tried(), tries.mustAvoid(), 0);
        tries.started(b);
        tries.failed(b, "answered 503", true);

        String line = tries.describe(new java.io.IOException("last"));
        assertEquals("2 tries: " + a + ": SocketTimeoutException: Read timed out; " + b + " answered 503", line);
    }

    @Test
    void oneFailedTryIsDescribedByItsOwnCause() {
        Tries tries = new Tries();
        assertEquals("IOException: refused", tries.describe(new java.io.IOException("refused")));
    }
}
