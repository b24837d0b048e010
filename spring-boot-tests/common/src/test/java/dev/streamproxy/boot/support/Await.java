package dev.streamproxy.boot.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Polling with a deadline, for state that settles asynchronously (a pool returning its connections). */
public final class Await {

    private static final long POLL_MILLIS = 20;

    private Await() {
    }

    /**
     * @param condition what must become true
     * @param timeout   how long it may take
     * @param what      the condition in words, for the failure message
     * @param state     the observed state, for the failure message
     */
    public static void until(BooleanSupplier condition, Duration timeout, String what, Supplier<Object> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + timeout + ": " + what + " (now: " + state.get() + ")");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }
}
