package dev.streamproxy.internal.upstream;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds retries by the route's own traffic: retries in flight may be at most a fifth of the exchanges in flight
 * (at least {@value #MIN_RETRIES}), so a fleet that fails as a whole sees its load grow by a fifth, never multiplied
 * by {@code maxRetries + 1} (a retry storm).
 *
 * <p>A retry is "in flight" from its start to its response head (or its failure), which on a live target is a
 * millisecond or so. When a target dies, every exchange it held fails in the same instant; a retry that finds the
 * budget full therefore waits up to {@value #WAIT_MILLIS} ms for a slot instead of failing at once, so the burst
 * is absorbed while the concurrency bound holds.
 */
public final class RetryBudget {

    static final int MIN_RETRIES = 3;
    static final int PERCENT = 20;
    static final long WAIT_MILLIS = 500;

    private final AtomicInteger exchanges = new AtomicInteger();
    private int retries;

    /** An exchange starts (once, whatever its tries). */
    public void exchangeStarted() {
        exchanges.incrementAndGet();
    }

    /** An exchange ended. */
    public void exchangeEnded() {
        exchanges.decrementAndGet();
    }

    /** @return true when one more retry may start now; then {@link #retryEnded()} must follow */
    public boolean tryStartRetry() {
        return tryStartRetry(WAIT_MILLIS);
    }

    /**
     * @param waitMillis how long to wait for a slot when the budget is full
     * @return true when the retry may start; then {@link #retryEnded()} must follow
     */
    public synchronized boolean tryStartRetry(long waitMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (retries >= limit()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                wait(Math.max(1, (left + 999_999) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        retries++;
        return true;
    }

    private int limit() {
        return Math.max(MIN_RETRIES, exchanges.get() * PERCENT / 100);
    }

    /** A retry got its answer, or failed: its slot is free. */
    public synchronized void retryEnded() {
        retries--;
        notifyAll();
    }

    /** @return retries running now */
    public synchronized int retriesInFlight() {
        return retries;
    }
}
