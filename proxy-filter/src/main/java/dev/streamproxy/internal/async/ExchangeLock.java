package dev.streamproxy.internal.async;

import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one lock of a non-blocking exchange, with effects kept outside it. Whatever may call into another exchange
 * (leasing or giving back a pooled connection runs the pool's callbacks for other exchanges on this thread) or into
 * the container (completing the request calls its listeners) is queued with {@link #later} and run by the
 * outermost {@link #unlock}, once the lock is free: two exchanges never wait for each other's lock.
 */
public final class ExchangeLock {

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Runnable> later = new ArrayDeque<>(0);

    /** Takes the lock; reentrant. */
    public void lock() {
        lock.lock();
    }

    /** Gives the lock back; the outermost unlock then runs what was queued while it was held. */
    public void unlock() {
        if (lock.getHoldCount() > 1 || later.isEmpty()) {
            lock.unlock();
            return;
        }
        Runnable[] todo = later.toArray(new Runnable[0]);
        later.clear();
        lock.unlock();
        for (Runnable r : todo) {
            r.run();
        }
    }

    /**
     * @param effect run once the lock is free, by the thread that frees it
     * @throws IllegalStateException when the lock is not held
     */
    public void later(Runnable effect) {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("later() without the exchange's lock");
        }
        later.add(effect);
    }
}
