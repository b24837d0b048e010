package dev.streamproxy.internal.async;

import dev.streamproxy.internal.error.ClientGoneException;
import dev.streamproxy.internal.error.RequestTooLargeException;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The client's request body in a non-blocking exchange: read as the container has it ({@code isReady()},
 * {@code onDataAvailable}) and only as fast as the upstream takes it: at most {@link AsyncClient#WINDOW} bytes read
 * and not yet sent. The bytes a retry may need again (the replay window, {@code retryBufferSize}) are kept until the
 * body outgrows it; past that, what was sent is dropped and the body can no longer be replayed.
 *
 * <p>Offsets are absolute: a try sends from offset 0 and tells {@link #sent} how far it got, so a retry starts
 * again at 0 while the body is replayable. Every method runs with the exchange's lock held or takes it.
 */
public final class ClientReader implements ReadListener, UpstreamLeg.Body {

    /** What the exchange hears from the body, once the exchange's lock is free. */
    public interface Events {
        /** More bytes, or the end, for the upstream. */
        void bodyReady();

        /** The body failed: the client went away, or it grew over {@code maxRequestBodySize}. */
        void bodyFailed(IOException failure);

        /** The upstream took more of the body: it is not idle. */
        void bodySent();
    }

    private static final int READ_SIZE = 8 * 1024;

    private final ExchangeLock lock;
    private final long length;
    private final long limit;
    private final int replay;
    private final Events events;
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>(4);
    private ServletInputStream in;
    /** The array the next read goes into, kept across short reads so a small body costs one copy, not two. */
    private byte[] scratch;
    /** The container has called back once: before that nothing is read, as {@link ClientWriter} waits to write. */
    private boolean primed;
    /** The offset of the first kept chunk's first byte. */
    private long first;
    private long read;
    private long sent;
    private boolean replayable;
    private boolean eof;
    private boolean stopped;
    private IOException failure;

    /**
     * @param length the declared {@code Content-Length}, or -1 for a chunked body
     * @param limit  {@code maxRequestBodySize}, or -1
     * @param replay the replay window ({@code retryBufferSize}), 0 when the request is not retried
     */
    public ClientReader(ExchangeLock lock, long length, long limit, int replay, Events events) {
        this.lock = lock;
        this.length = length;
        this.limit = limit;
        this.replay = replay;
        this.replayable = replay > 0;
        this.events = events;
    }

    /** @return true while the body waits for the client, not the upstream: all it read went up */
    public boolean waitingForClient() {
        lock.lock();
        try {
            return !eof && failure == null && !stopped && sent >= read;
        } finally {
            lock.unlock();
        }
    }

    /** Starts reading: the container calls back as bytes come. */
    public void start(ServletInputStream stream) {
        lock.lock();
        try {
            in = stream;
        } finally {
            lock.unlock();
        }
        stream.setReadListener(this);
    }

    @Override
    public void onDataAvailable() {
        lock.lock();
        try {
            primed = true;
            pump();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onAllDataRead() {
        lock.lock();
        try {
            primed = true;
            pump();
            if (!eof && failure == null) {
                eof = true;
                lock.later(events::bodyReady);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onError(Throwable t) {
        lock.lock();
        try {
            failWith(new ClientGoneException("client request body failed: " + t, t));
        } finally {
            lock.unlock();
        }
    }

    /** Reads what the container has, up to the window; with the lock held. */
    private void pump() {
        boolean more = false;
        try {
            while (primed && in != null && !eof && !stopped && failure == null && read - sent < AsyncClient.WINDOW
                    && in.isReady()) {
                if (scratch == null) {
                    scratch = new byte[READ_SIZE];
                }
                int n = in.read(scratch);
                if (n < 0) {
                    eof = true;
                    more = true;
                    break;
                }
                if (n == 0) {
                    continue;
                }
                if (n == scratch.length) {
                    chunks.add(scratch); // a full read is kept as it is; the next read gets a new array
                    scratch = null;
                } else {
                    chunks.add(java.util.Arrays.copyOf(scratch, n));
                }
                read += n;
                more = true;
                if (read == length) {
                    eof = true; // the declared length is in: the upstream gets its end without another read
                }
                if (limit >= 0 && read > limit) {
                    failWith(new RequestTooLargeException(limit));
                    return;
                }
                if (replayable && read > replay) {
                    replayable = false;
                    dropSent();
                }
            }
            if (primed && in != null && !eof && in.isFinished()) {
                eof = true;
                more = true;
            }
        } catch (IOException | IllegalStateException e) {
            failWith(new ClientGoneException("client request body failed: " + e, e));
            return;
        }
        if (more) {
            lock.later(events::bodyReady);
        }
    }

    private void failWith(IOException e) {
        if (failure == null && !stopped) {
            failure = e;
            lock.later(() -> events.bodyFailed(e));
        }
    }

    @Override
    public int available(long from) {
        lock.lock();
        try {
            return failure != null || stopped ? 0 : (int) Math.min(Integer.MAX_VALUE, read - from);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean ended(long at) {
        lock.lock();
        try {
            return eof && failure == null && at == read;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ByteBuffer chunk(long from) {
        lock.lock();
        try {
            long start = first;
            for (byte[] c : chunks) {
                if (from < start + c.length) {
                    int off = (int) (from - start);
                    return ByteBuffer.wrap(c, off, c.length - off);
                }
                start += c.length;
            }
            return ByteBuffer.allocate(0);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void sent(long upTo) {
        lock.lock();
        try {
            sent = Math.max(sent, upTo);
            events.bodySent();
            if (!replayable) {
                dropSent();
            }
            pump(); // the window has room again
        } finally {
            lock.unlock();
        }
    }

    private void dropSent() {
        while (!chunks.isEmpty() && first + chunks.peekFirst().length <= sent) {
            first += chunks.pollFirst().length;
        }
    }

    /** A retry sends the body again from its first byte: the window restarts. */
    public void rewind() {
        lock.lock();
        try {
            sent = 0;
        } finally {
            lock.unlock();
        }
    }

    /** The upstream's answer ended the upload: nothing more is read or sent. */
    public void stop() {
        lock.lock();
        try {
            stopped = true;
            chunks.clear();
        } finally {
            lock.unlock();
        }
    }

    /** @return true while a retry could send the whole body again (it never outgrew the replay window) */
    public boolean canReplay() {
        return replayable && failure == null && !stopped;
    }

    /** @return true while the body is still being read and sent: not ended, failed or stopped */
    public boolean goesOn() {
        lock.lock();
        try {
            return !eof && failure == null && !stopped;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean stopped() {
        return stopped;
    }

    /** @return true once a byte was read from the client */
    public boolean started() {
        return read > 0;
    }

    /** @return true once the client's whole body has been read */
    public boolean complete() {
        return eof && failure == null;
    }

    /** @return the body's own failure (client gone, over the limit), or null */
    public IOException failure() {
        return failure;
    }

    /** @return bytes read from the client */
    public long bytesRead() {
        return read;
    }
}
