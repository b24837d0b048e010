package dev.streamproxy.internal.async;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The client side of a non-blocking exchange: the answer's bytes, queued as the upstream sends them, written as
 * fast as the container takes them ({@code isReady()}, {@code onWritePossible}), never waiting on a thread. Each
 * write that empties the queue is flushed, so an event reaches the client as it arrives.
 *
 * <p>Writes happen on whichever thread has bytes or room: the reactor's when bytes arrive and the container is
 * ready, the container's when it calls {@link #onWritePossible}. The exchange's lock serialises them; a write that
 * calls back into this writer on the same thread only marks that there is more to do. The exchange hears of the
 * end and of a failed client once the lock is free ({@link ExchangeLock#later}).
 *
 * <p>Nothing is written before the container's first {@code onWritePossible}, which comes once the request's own
 * dispatch has returned: Tomcat 10.1 loses a write made from another thread while that dispatch is still running
 * (the bytes and the write interest both), so a fast upstream's answer waits, queued, for that first call.
 */
public final class ClientWriter implements WriteListener {

    /** What the exchange hears from its client side. */
    public interface Events {
        /** {@code n} bytes were handed to the container: the upstream may send as many more. */
        void taken(int n);

        /** Everything was written and the end has been asked for: complete the exchange. */
        void written();

        /** The client went away, or the container failed the write. */
        void clientFailed(Throwable cause);
    }

    private final ExchangeLock lock;
    private final ServletOutputStream out;
    private final Events events;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>(2);
    private int queued;
    private boolean flush;
    /** Bytes written without a flush since the last one. */
    private boolean unflushed;
    private boolean end;
    private boolean over;
    private boolean draining;
    /** The container has called {@link #onWritePossible} once: before that nothing is written (see below). */
    private boolean primed;
    private boolean again;

    /**
     * @param lock   the exchange's lock
     * @param out    the client's stream, to be given this writer as its listener
     * @param events the exchange
     */
    public ClientWriter(ExchangeLock lock, ServletOutputStream out, Events events) {
        this.lock = lock;
        this.out = out;
        this.events = events;
    }

    /** Queues a copy of the bytes and writes what the container takes now. */
    public void offer(ByteBuffer src) {
        byte[] bytes = new byte[src.remaining()];
        src.get(bytes);
        lock.lock();
        try {
            queue.add(bytes);
            queued += bytes.length;
            drain();
        } finally {
            lock.unlock();
        }
    }

    /** Sends the head now (a flush), though no body byte has come: a waiting stream shows its status at once. */
    public void commit() {
        lock.lock();
        try {
            flush = true;
            drain();
        } finally {
            lock.unlock();
        }
    }

    /** Nothing more will come: once the queue is written, {@link Events#written()}. */
    public void end() {
        lock.lock();
        try {
            end = true;
            drain();
        } finally {
            lock.unlock();
        }
    }

    /** Replaces what is queued with one short answer (the proxy's own error), then ends. */
    public void replace(byte[] answer) {
        lock.lock();
        try {
            queue.clear();
            queued = 0;
            if (answer.length > 0) {
                queue.add(answer);
                queued = answer.length;
            }
            end = true;
            drain();
        } finally {
            lock.unlock();
        }
    }

    /** Stops writing: whatever is queued is dropped. */
    public void close() {
        lock.lock();
        try {
            over = true;
            queue.clear();
            queued = 0;
        } finally {
            lock.unlock();
        }
    }

    /** The route's sweep: bytes a burst left unflushed (it ended on a full buffer) go out now. */
    public void flushLeftovers() {
        lock.lock();
        try {
            if (unflushed && !flush) {
                flush = true;
                drain();
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return true when no byte of the answer waits for the client */
    public boolean idle() {
        lock.lock();
        try {
            return queued == 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onWritePossible() {
        lock.lock();
        try {
            primed = true;
            drain();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onError(Throwable t) {
        events.clientFailed(t);
    }

    /** With the lock held. */
    private void drain() {
        if (!primed) {
            return;
        }
        if (draining) {
            again = true; // called back from inside a write: the loop below goes on
            return;
        }
        draining = true;
        try {
            do {
                again = false;
                write();
            } while (again);
        } catch (IOException | IllegalStateException e) {
            over = true;
            lock.later(() -> events.clientFailed(e));
        } finally {
            draining = false;
        }
    }

    private void write() throws IOException {
        while (!over && out.isReady()) {
            byte[] bytes = queue.poll();
            if (bytes != null) {
                queued -= bytes.length;
                out.write(bytes);
                // a full session buffer means the upstream's burst goes on: its next piece is written with it, and
                // the flush waits for the burst's end (a shorter piece), the answer's end, or the route's sweep
                flush = flush || bytes.length < AsyncClient.SESSION_BUFFER || end;
                unflushed = true;
                events.taken(bytes.length);
            } else if (flush || (end && unflushed)) {
                flush = false;
                unflushed = false;
                out.flush();
            } else {
                if (end) {
                    over = true;
                    lock.later(events::written);
                }
                return;
            }
        }
    }
}
