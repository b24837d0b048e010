package dev.streamproxy.internal.upstream;

import dev.streamproxy.TargetState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Passive and active health on a clock the test moves: no waiting. */
class TargetHealthTest {

    private final TargetHealth health = new TargetHealth(3, 10_000);

    private void fail(long now, int times) {
        for (int i = 0; i < times; i++) {
            assertTrue(health.tryAcquire(now) || health.isEjected(now));
            health.onFailure(now);
        }
    }

    @Test
    void staysInServiceBelowMaxFailsAndASuccessResetsTheCount() {
        fail(0, 2);
        health.onSuccess();
        fail(1, 2);
        assertEquals(TargetState.HEALTHY, health.state(1));
        assertTrue(health.tryAcquire(1));
        assertEquals(0, health.ejections());
    }

    @Test
    void maxFailsInARowEjectsForFailTimeoutThenOneTrial() {
        fail(0, 3);
        assertEquals(TargetState.EJECTED, health.state(0));
        assertFalse(health.mayTake(9_999));
        assertFalse(health.tryAcquire(9_999));
        assertTrue(health.mayTake(10_000));
        assertTrue(health.tryAcquire(10_000), "the trial");
        assertFalse(health.tryAcquire(10_000), "only one trial at a time");
        assertFalse(health.mayTake(10_000));
        health.onSuccess();
        assertEquals(TargetState.HEALTHY, health.state(10_001));
        assertTrue(health.tryAcquire(10_001));
        assertEquals(1, health.ejections());
    }

    @Test
    void aFailedTrialEjectsAgainAtOnceForTwiceAsLongUpToFiveMinutes() {
        fail(0, 3);
        long now = 10_000;
        long expected = 20_000;
        for (int round = 0; round < 8; round++) {
            assertTrue(health.tryAcquire(now));
            health.onFailure(now);
            assertFalse(health.mayTake(now + expected - 1), "round " + round);
            assertTrue(health.mayTake(now + expected), "round " + round);
            now += expected;
            expected = Math.min(expected * 2, TargetHealth.MAX_EJECTION_MILLIS);
        }
        assertEquals(TargetHealth.MAX_EJECTION_MILLIS, expected);
        assertEquals(9, health.ejections());
    }

    @Test
    void aTrialEndedByTheClientFreesTheTrialSlot() {
        fail(0, 3);
        assertTrue(health.tryAcquire(10_000));
        health.release();
        assertTrue(health.tryAcquire(10_000));
    }

    @Test
    void aFailedActiveCheckEjectsUntilACheckPasses() {
        health.onCheck(false, 5);
        assertEquals(TargetState.EJECTED, health.state(5));
        assertFalse(health.mayTake(Long.MAX_VALUE / 2), "no trial: the next check decides");
        health.onCheck(false, 6);
        assertEquals(1, health.ejections());
        health.onCheck(true, 7);
        assertTrue(health.tryAcquire(7));
        assertEquals(TargetState.HEALTHY, health.state(7));
    }

    @Test
    void aPassingCheckEndsAPassiveEjection() {
        fail(0, 3);
        health.onCheck(true, 1);
        assertTrue(health.tryAcquire(1));
    }

    @Test
    void remembersWhenItLastFailed() {
        assertEquals(Long.MIN_VALUE, health.lastFailure());
        health.onFailure(42);
        assertEquals(42, health.lastFailure());
    }
}
