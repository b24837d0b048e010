package dev.streamproxy.it.support;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waits: poll a condition until a deadline instead of sleeping and hoping. */
public final class Await {

    private Await() {
    }

    /** Polls {@code condition} until it holds; fails with {@code what} and the last {@code state} at the deadline. */
    public static void until(Duration timeout, String what, BooleanSupplier condition, Supplier<?> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + timeout + "; last state: " + state.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what, e);
            }
        }
    }

    /** Awaits the latch; an expired wait is an assertion failure naming what was awaited. */
    public static void latch(CountDownLatch latch, Duration timeout, String what) {
        try {
            if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(what + " did not happen within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        }
    }

    /** Awaits the latch; on expiry fails with {@code what} and the {@code state} at that moment. */
    public static void latch(CountDownLatch latch, Duration timeout, String what, Supplier<?> state) {
        if (!quietly(latch, timeout)) {
            throw new AssertionError(what + " did not happen within " + timeout + "; state: " + state.get());
        }
    }

    /** For upstream handlers: awaits the latch, false on expiry (the handler then gives up instead of hanging). */
    public static boolean quietly(CountDownLatch latch, Duration timeout) {
        try {
            return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
