package dev.streamproxy.internal.body;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Copy buffers shared by every exchange, so streaming a body allocates nothing per request. One buffer serves
 * both directions of an exchange, since the request body is fully sent before the response body is read.
 *
 * <p>Bounded: at most {@link #RETAINED} idle buffers are kept; under a larger burst the extra buffers are
 * allocated and then left to the garbage collector. No thread-locals, so virtual threads do not multiply them.
 */
public final class BufferPool {

    /** Size of one copy buffer: large enough for few syscalls, small enough to be "a few kilobytes". */
    public static final int BUFFER_SIZE = 16 * 1024;
    static final int RETAINED = 512;

    private static final ArrayBlockingQueue<byte[]> IDLE = new ArrayBlockingQueue<>(RETAINED);

    private BufferPool() {
    }

    /** @return a buffer of {@link #BUFFER_SIZE} bytes; give it back with {@link #release} */
    public static byte[] acquire() {
        byte[] b = IDLE.poll();
        return b != null ? b : new byte[BUFFER_SIZE];
    }

    /** @param buffer a buffer from {@link #acquire()}, no longer used by the caller */
    public static void release(byte[] buffer) {
        if (buffer != null && buffer.length == BUFFER_SIZE) {
            IDLE.offer(buffer);
        }
    }
}
