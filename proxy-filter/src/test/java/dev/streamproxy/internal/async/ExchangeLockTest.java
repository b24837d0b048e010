package dev.streamproxy.internal.async;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExchangeLockTest {

    @Test
    void anEffectRunsOnlyOnceTheOutermostUnlockHasFreedTheLock() {
        ExchangeLock lock = new ExchangeLock();
        List<String> seen = new ArrayList<>();
        lock.lock();
        lock.lock();
        lock.later(() -> seen.add("effect, lock free: " + !isHeld(lock)));
        lock.unlock();
        assertEquals(List.of(), seen, "the inner unlock ran the effect while the lock was still held");
        lock.unlock();
        assertEquals(List.of("effect, lock free: true"), seen);
    }

    @Test
    void effectsRunInTheOrderTheyWereQueuedAndOnlyOnce() {
        ExchangeLock lock = new ExchangeLock();
        List<Integer> seen = new ArrayList<>();
        lock.lock();
        lock.later(() -> seen.add(1));
        lock.later(() -> seen.add(2));
        lock.unlock();
        lock.lock();
        lock.unlock();
        assertEquals(List.of(1, 2), seen);
    }

    @Test
    void anEffectMayTakeTheLockAgainAndQueueMore() {
        ExchangeLock lock = new ExchangeLock();
        List<String> seen = new ArrayList<>();
        lock.lock();
        lock.later(() -> {
            lock.lock();
            lock.later(() -> seen.add("second"));
            seen.add("first");
            lock.unlock();
        });
        lock.unlock();
        assertEquals(List.of("first", "second"), seen);
    }

    @Test
    void queuingWithoutTheLockIsRefused() {
        ExchangeLock lock = new ExchangeLock();
        assertThrows(IllegalStateException.class, () -> lock.later(() -> { }));
    }

    /** Held by another thread's view: a thread that cannot take it now. */
    private static boolean isHeld(ExchangeLock lock) {
        boolean[] took = new boolean[1];
        Thread t = new Thread(() -> {
            took[0] = true;
            lock.lock();
            lock.unlock();
        });
        t.start();
        try {
            t.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean blocked = t.isAlive();
        assertFalse(!took[0], "the probe thread never ran");
        return blocked;
    }
}
