package dev.streamproxy.internal.upstream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds retries by the route's own traffic: retries in flight may be at most a fifth of the exchanges in flight
 * (at least {@value #MIN_RETRIES}), so a fleet that fails as a whole sees its load grow by a fifth, never multiplied
 * by {@code maxRetries + 1} (a retry storm).
 */
public final class RetryBudget {

    static final int MIN_RETRIES = 3;
    static final int PERCENT = 20;

    private final AtomicInteger exchanges = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();

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
        int limit = Math.max(MIN_RETRIES, exchanges.get() * PERCENT / 100);
        if (retries.incrementAndGet() > limit) {
            retries.decrementAndGet();
            return false;
        }
        return true;
    }

    /** A retry ended (its exchange is over). */
    public void retryEnded() {
        retries.decrementAndGet();
    }

    /** @return retries running now */
    public int retriesInFlight() {
        return retries.get();
    }
}
