package dev.streamproxy.internal.body;

/**
 * The copy buffer of one exchange, borrowed from {@link BufferPool}: sized for the body at hand (large for a large
 * known length), and given back while a stream waits for its next event, so an idle stream holds none.
 */
public final class CopyBuffer implements AutoCloseable {

    private byte[] bytes;

    /** @param bodyLength the request body's declared length, or -1 */
    public CopyBuffer(long bodyLength) {
        this.bytes = BufferPool.acquireFor(bodyLength);
    }

    /** @return the buffer, borrowed again if it was given back while idle */
    public byte[] bytes() {
        if (bytes == null) {
            bytes = BufferPool.acquire();
        }
        return bytes;
    }

    /** @param bodyLength the response body's declared length: a large one gets a large buffer */
    public void fitTo(long bodyLength) {
        if (bodyLength >= BufferPool.LARGE_BODY && (bytes == null || bytes.length < BufferPool.LARGE_BUFFER_SIZE)) {
            BufferPool.release(bytes);
            bytes = BufferPool.acquireFor(bodyLength);
        }
    }

    /** Gives the buffer back while nothing is to be copied; {@link #bytes()} borrows one when needed. */
    public void releaseWhileIdle() {
        BufferPool.release(bytes);
        bytes = null;
    }

    /** @return true while a buffer is borrowed */
    boolean held() {
        return bytes != null;
    }

    @Override
    public void close() {
        releaseWhileIdle();
    }
}
