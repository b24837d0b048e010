package dev.streamproxy.internal.body;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class BufferPoolTest {

    /** Takes every idle buffer (the pool keeps at most RETAINED), so the next acquire sees an empty pool. */
    private static List<byte[]> drain() {
        List<byte[]> taken = new ArrayList<>();
        for (int i = 0; i <= BufferPool.RETAINED; i++) {
            taken.add(BufferPool.acquire());
        }
        return taken;
    }

    @Test
    void handsOutBuffersOfTheDocumentedSize() {
        byte[] b = BufferPool.acquire();
        assertEquals(BufferPool.BUFFER_SIZE, b.length);
        BufferPool.release(b);
    }

    @Test
    void twoExchangesAtOnceNeverShareABuffer() {
        byte[] a = BufferPool.acquire();
        byte[] b = BufferPool.acquire();
        assertNotSame(a, b);
        BufferPool.release(a);
        BufferPool.release(b);
    }

    @Test
    void reusesAReleasedBuffer() {
        List<byte[]> taken = drain();
        byte[] mine = taken.remove(0);
        BufferPool.release(mine);
        assertSame(mine, BufferPool.acquire());
        taken.forEach(BufferPool::release);
    }

    @Test
    void neverHandsOutAForeignBuffer() {
        List<byte[]> taken = drain();
        BufferPool.release(null);
        BufferPool.release(new byte[10]);
        byte[] next = BufferPool.acquire();
        assertEquals(BufferPool.BUFFER_SIZE, next.length);
        taken.forEach(BufferPool::release);
    }
}
