package dev.streamproxy.internal.body;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A copy of the first bytes of a request body, kept while they stream upstream so that a retry can send them again.
 * It never delays the stream: bytes are copied as they pass, and once more than {@code capacity} bytes have passed
 * the copy is dropped and the body is simply no longer replayable. Built from the shared pooled buffers, so a
 * window that is never needed costs no allocation.
 */
final class ReplayWindow {

    private final int capacity;
    private final List<byte[]> chunks = new ArrayList<>(4);
    private long size;
    private boolean overflowed;

    /** @param capacity the most bytes kept ({@code retryBufferSize}) */
    ReplayWindow(int capacity) {
        this.capacity = capacity;
    }

    /** Keeps a copy of {@code n} bytes that are about to go upstream, or gives up past the capacity. */
    void record(byte[] b, int off, int n) {
        if (overflowed) {
            return;
        }
        if (size + n > capacity) {
            overflowed = true;
            release();
            return;
        }
        int done = 0;
        while (done < n) {
            int inChunk = (int) (size % BufferPool.BUFFER_SIZE);
            if (inChunk == 0) {
                chunks.add(BufferPool.acquire());
            }
            byte[] chunk = chunks.get(chunks.size() - 1);
            int m = Math.min(n - done, chunk.length - inChunk);
            System.arraycopy(b, off + done, chunk, inChunk, m);
            done += m;
            size += m;
        }
    }

    /** @return true while every byte recorded so far is still held */
    boolean holdsAll() {
        return !overflowed;
    }

    /** @return the bytes held */
    long size() {
        return size;
    }

    /** Writes every byte held, in order. */
    void replayTo(OutputStream out) throws IOException {
        long left = size;
        for (byte[] chunk : chunks) {
            int n = (int) Math.min(left, chunk.length);
            out.write(chunk, 0, n);
            left -= n;
        }
    }

    /** Gives the buffers back; the window holds nothing afterwards. */
    void release() {
        for (byte[] chunk : chunks) {
            BufferPool.release(chunk);
        }
        chunks.clear();
    }
}
