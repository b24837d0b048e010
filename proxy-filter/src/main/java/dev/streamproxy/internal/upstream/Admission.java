package dev.streamproxy.internal.upstream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code maxConcurrentRequests}: exchanges past the limit are refused at once (503 with {@code Retry-After}) rather
 * than queued for a connection, so an overloaded route sheds load instead of piling up threads.
 */
public final class Admission {

    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** @param limit the most exchanges at once, or -1 for no limit (then only counting) */
    public Admission(int limit) {
        this.limit = limit;
    }

    /** @return true when the exchange may run; then {@link #leave()} must follow */
    public boolean tryEnter() {
        int n = inFlight.incrementAndGet();
        if (limit >= 0 && n > limit) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    /** An admitted exchange ended. */
    public void leave() {
        inFlight.decrementAndGet();
    }

    /** @return exchanges running now */
    public int inFlight() {
        return inFlight.get();
    }
}
