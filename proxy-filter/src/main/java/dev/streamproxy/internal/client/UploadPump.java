package dev.streamproxy.internal.client;

import dev.streamproxy.internal.body.StreamingRequestEntity;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A request body going upstream on a thread of its own, so that the exchange's thread can read the answer at the
 * same time: an upstream may answer before it has the whole body and go on reading while it answers (an echo, a
 * transcript streamed while the audio uploads, a ping-pong of pieces), and with one thread doing both, each side
 * would wait for the other.
 *
 * <p>While the pump runs, the exchange's waits for the upstream's bytes ({@link #awaitResponseBytes}) count
 * {@code responseTimeout} only from when the upstream stopped taking the body (a write to it blocked) or the body
 * ended: an upstream still reading a long upload is not idle, and a client that pauses its upload is bounded by
 * the container's own read timeout, not by the upstream's. Nothing here ever holds a body byte: the copy is
 * {@link StreamingRequestEntity}'s, through the exchange's one buffer.
 */
final class UploadPump implements Runnable {

    /** The longest a wait goes without looking again at what the copy is waiting on. */
    private static final long SLICE_MILLIS = 1000;

    private final UpstreamConnection connection;
    private final ClassicHttpRequest request;
    private final StreamingRequestEntity body;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Object runnerLock = new Object();
    private Thread runner;
    private volatile long endedAt;
    private volatile Exception failure;

    private UploadPump(UpstreamConnection connection, ClassicHttpRequest request, StreamingRequestEntity body) {
        this.connection = connection;
        this.request = request;
        this.body = body;
    }

    /**
     * Starts sending the body of {@code request}, whose head has been sent.
     *
     * @return the running pump
     * @throws IOException when no thread could be had (the route is closing)
     */
    static UploadPump start(ExecutorService threads, UpstreamConnection connection, ClassicHttpRequest request,
                            StreamingRequestEntity body) throws IOException {
        UploadPump pump = new UploadPump(connection, request, body);
        try {
            threads.execute(pump);
        } catch (RejectedExecutionException e) {
            throw new ConnectionClosedException("the route is closing");
        }
        return pump;
    }

    @Override
    public void run() {
        synchronized (runnerLock) {
            runner = Thread.currentThread();
        }
        try {
            Http1Exchange.sendBody(connection, request);
        } catch (IOException | HttpException | RuntimeException e) {
            failure = e; // the exchange's thread learns what it means from the answer, or from the body's cause
        } finally {
            synchronized (runnerLock) {
                runner = null;
                Thread.interrupted(); // a late stop() must not reach the next task of a pooled thread
            }
            endedAt = System.nanoTime();
            ended.countDown();
        }
    }

    /** @return true while the body is still being copied */
    boolean isRunning() {
        return ended.getCount() > 0;
    }

    /** @return true when the copy ended and the whole body reached the connection */
    boolean sentWhole() {
        return !isRunning() && failure == null && body.isComplete();
    }

    /**
     * Waits until the upstream has sent something to read or closed the connection, as {@code isDataAvailable}
     * does, but with the pump's view of idleness: see the class comment.
     *
     * @param timeoutMillis {@code responseTimeout}
     * @throws SocketTimeoutException when the upstream was idle for that long
     */
    void awaitResponseBytes(long timeoutMillis) throws IOException {
        while (true) {
            long wait = remaining(timeoutMillis);
            if (wait <= 0) {
                throw new SocketTimeoutException("no bytes from the upstream within " + timeoutMillis
                        + " ms while it took no more of the request body");
            }
            // in slices: the copy may start or stop waiting on the upstream while this thread waits
            if (connection.http().isDataAvailable(Timeout.ofMilliseconds(Math.min(wait, SLICE_MILLIS)))) {
                return;
            }
            if (connection.http().isStale()) {
                return; // closed: the read that follows says how (end of a body, or no answer at all)
            }
        }
    }

    /**
     * Waits for the copy to end once the answer has ended, for as long as the upstream keeps taking the body; an
     * upstream that stops reading it for {@code responseTimeout} gets its connection aborted, which ends the copy.
     *
     * @param timeoutMillis {@code responseTimeout}
     */
    void awaitEnd(long timeoutMillis) throws InterruptedIOException {
        while (isRunning()) {
            long wait = remaining(timeoutMillis);
            if (wait <= 0) {
                connection.stopBody();
                connection.abort();
                wait = timeoutMillis; // the copy's write fails now; a read of the client ends with the client
            }
            join(Math.min(wait, SLICE_MILLIS));
        }
    }

    /**
     * Ends the copy and waits until it has: the connection is closed, so a write in progress fails; a read of the
     * client in progress ends with the client's next bytes, its end, or the container's read timeout.
     *
     * @param interrupt also interrupt a read of the client, which ends it at once where the container allows it
     *                  (Jetty); only when the exchange is over, since the interrupted read fails the client's body
     */
    void stop(boolean interrupt) throws InterruptedIOException {
        connection.stopBody();
        connection.abort();
        while (isRunning()) {
            if (interrupt) {
                synchronized (runnerLock) {
                    if (runner != null) {
                        runner.interrupt();
                    }
                }
            }
            join(250);
        }
    }

    /** @return how long the upstream may still be idle, or the whole timeout when the client is the one waited on */
    private long remaining(long timeoutMillis) {
        long since = isRunning() ? body.writingSince() : endedAt;
        if (since == 0) {
            return timeoutMillis; // reading the client: its pace, not the upstream's
        }
        return timeoutMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    private void join(long millis) throws InterruptedIOException {
        try {
            ended.await(Math.max(1, millis), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the request body was still being sent");
        }
    }
}
