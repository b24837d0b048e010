package dev.streamproxy.internal.body;

import dev.streamproxy.internal.client.UpstreamLink;
import dev.streamproxy.internal.error.BodyUnavailableException;
import dev.streamproxy.internal.error.ClientGoneException;
import dev.streamproxy.internal.error.RequestTooLargeException;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.hc.core5.function.Supplier;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;

/**
 * The client's request body as an HttpCore entity that is never held: {@link #writeTo} copies the servlet input
 * stream to the upstream connection through one pooled buffer as the bytes arrive.
 *
 * <p>Whenever the client has nothing more ready, what was copied so far is flushed upstream, so an upstream sees
 * the start of a slow upload (or of a bidirectional stream) without waiting for a buffer to fill. A
 * client that sends fewer bytes than its {@code Content-Length}, or whose connection fails, raises
 * {@link ClientGoneException} after the upstream connection was discarded: a truncated body never becomes a
 * complete upstream request. An upstream that answers before it has the whole body (an early 413 or 401) stops the
 * copy without an error, so its answer is read and relayed; the rest of the body is never sent.
 *
 * <p>With a replay window ({@code retryBufferSize}), the first bytes are also copied as they pass, so that a retry
 * on another target can write the body again: {@link #writeTo} of a later try replays the window and then goes on
 * reading the client. Past the window's size the copy is dropped and {@link #canReplay()} turns false; the stream
 * itself is never held back.
 */
public final class StreamingRequestEntity implements HttpEntity {

    /** The largest body {@link #arrivedWhole()} may call ready to be written in one go. */
    public static final int WRITTEN_AT_ONCE = 16 * 1024;

    private final HttpServletRequest request;
    private InputStream in;
    private final long length;
    private final long limit;
    private final byte[] buffer;
    private final int prefilled;
    private final UpstreamLink upstream;
    private final ReplayWindow window;
    private long total;
    private int tries;
    private volatile Exception failure;
    private volatile boolean clientFailed;
    private volatile boolean started;
    private volatile boolean complete;
    private volatile boolean stoppedByAnswer;
    /** When the current write upstream began ({@link System#nanoTime}), 0 while not writing. */
    private volatile long writingSince;

    /**
     * @param request       the client request, whose input stream is opened only when the upstream wants the body
     * @param in            the input stream if it was already opened (by the form-body probe), else null
     * @param length        the declared length, or -1 for chunked
     * @param limit         the largest body allowed, or -1 for no limit
     * @param buffer        the exchange's copy buffer
     * @param prefilled     bytes already read into {@code buffer} (by the form-body probe), sent first
     * @param upstream      the connection the body goes to: discarded before a client failure leaves
     *                      {@link #writeTo}, asked whether it answered when a write to it fails
     */
    public StreamingRequestEntity(HttpServletRequest request, InputStream in, long length, long limit, byte[] buffer,
                                  int prefilled, UpstreamLink upstream) {
        this(request, in, length, limit, buffer, prefilled, upstream, 0);
    }

    /**
     * @param request       the client request, whose input stream is opened only when the upstream wants the body
     * @param in            the input stream if it was already opened (by the form-body probe), else null
     * @param length        the declared length, or -1 for chunked
     * @param limit         the largest body allowed, or -1 for no limit
     * @param buffer        the exchange's copy buffer
     * @param prefilled     bytes already read into {@code buffer} (by the form-body probe), sent first
     * @param upstream      the connection the body goes to, see above
     * @param replayBytes   the most bytes kept for a retry ({@code retryBufferSize}), 0 for none
     */
    public StreamingRequestEntity(HttpServletRequest request, InputStream in, long length, long limit, byte[] buffer,
                                  int prefilled, UpstreamLink upstream, int replayBytes) {
        this.upstream = upstream;
        this.window = replayBytes > 0 ? new ReplayWindow(replayBytes) : null;
        this.request = request;
        this.in = in;
        this.length = length;
        this.limit = limit;
        this.buffer = buffer;
        this.prefilled = prefilled;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        tries++;
        started = true;
        complete = false;
        stoppedByAnswer = false;
        try {
            if (tries > 1) {
                replay(out);
            }
            copy(out);
        } catch (UpstreamWriteException e) {
            if (upstream.stopIfAnswered()) {
                stoppedByAnswer = true;
                return; // the upstream answered and stopped reading: its answer is what the client gets
            }
            failure = e.getCause();
            throw e.getCause();
        } catch (IOException | RuntimeException e) {
            failure = e;
            clientFailed = true;
            // HttpCore closes the entity stream in a finally block, and closing a chunked stream writes the
            // last chunk: the upstream would read a truncated body as complete. Discarding the connection first
            // leaves that close nothing to write to.
            upstream.abort();
            throw e;
        }
    }

    /** A later try: everything read from the client so far goes to the new target first. */
    private void replay(OutputStream out) throws UpstreamWriteException {
        if (!canReplay()) {
            throw new IllegalStateException("the body sent so far is no longer held, so it cannot be sent again");
        }
        writingSince = System.nanoTime();
        try {
            window.replayTo(out);
        } catch (IOException e) {
            throw new UpstreamWriteException(e);
        } finally {
            writingSince = 0;
        }
    }

    private void copy(OutputStream out) throws IOException {
        if (in == null) {
            // Opened here, not earlier: containers answer the client's "Expect: 100-continue" when the stream is
            // opened, and that must wait until the upstream has agreed to take the body.
            in = open(request);
        }
        if (tries == 1) {
            total = prefilled;
            if (limit >= 0 && total > limit) {
                throw new RequestTooLargeException(limit);
            }
            if (prefilled > 0) {
                send(out, prefilled, false);
            }
        }
        while (length < 0 || total < length) {
            int n = readClient(total);
            if (n < 0) {
                break;
            }
            total += n;
            if (limit >= 0 && total > limit) {
                throw new RequestTooLargeException(limit);
            }
            send(out, n, available() == 0);
        }
        if (length >= 0 && total != length) {
            throw new ClientGoneException("client sent " + total + " of " + length + " body bytes", null);
        }
        complete = true;
    }

    private void send(OutputStream out, int n, boolean flush) throws UpstreamWriteException {
        if (window != null) {
            window.record(buffer, 0, n); // before the write: whatever happens to it, a retry must send it again
        }
        writingSince = System.nanoTime();
        try {
            out.write(buffer, 0, n);
            if (flush) {
                out.flush();
            }
        } catch (IOException e) {
            throw new UpstreamWriteException(e);
        } finally {
            writingSince = 0;
        }
    }

    private int readClient(long total) throws ClientGoneException {
        try {
            int max = length < 0 ? buffer.length : (int) Math.min(buffer.length, length - total);
            int n = in.read(buffer, 0, max);
            // what has already arrived goes up in the same write: containers hand out a network read at a time
            // (Tomcat at most 8 KiB), and fewer, larger writes upstream cost fewer syscalls; nothing waits for it
            while (n > 0 && n < max && in.available() > 0) {
                int more = in.read(buffer, n, max - n);
                if (more <= 0) {
                    break;
                }
                n += more;
            }
            return n;
        } catch (IOException e) {
            throw new ClientGoneException("client request body failed: " + e, e);
        }
    }

    /**
     * Whether the body can be written in one go without waiting on the client or the upstream: all of it is small
     * ({@value #WRITTEN_AT_ONCE} bytes at most, which a fresh connection's socket buffers take without the upstream
     * reading) and what the client still has to send has already arrived. Only such a body is written by the
     * exchange's own thread before it reads the answer; any other goes up beside the answer.
     *
     * @return true when writing the rest of the body cannot wait on anyone
     */
    public boolean arrivedWhole() {
        if (length < 0 || length > WRITTEN_AT_ONCE) {
            return false;
        }
        long unread = length - (started ? total : prefilled);
        if (unread <= 0) {
            return true;
        }
        if (in == null) {
            try {
                in = open(request);
            } catch (IOException | RuntimeException e) {
                return false; // the copy opens it again and fails as a client failure, where that is handled
            }
        }
        return available() >= unread;
    }

    /** @return when the write upstream in progress began ({@link System#nanoTime}), 0 while none is */
    public long writingSince() {
        return writingSince;
    }

    /**
     * @return true when a new try can send the body again: it was not read from the client yet, or every byte read
     *         so far is still in the replay window (and the client itself did not fail)
     */
    public boolean canReplay() {
        return !started || (window != null && window.holdsAll() && !clientFailed);
    }

    /** @return true when reading the client, or a limit, stopped the body (never the upstream's side) */
    public boolean clientFailed() {
        return clientFailed;
    }

    /** @return body bytes read from the client so far */
    public long bytesRead() {
        return total;
    }

    /** Gives the replay window's buffers back; call once the exchange is over. */
    public void release() {
        if (window != null) {
            window.release();
        }
    }

    /** @return true once every byte of the body was handed to the upstream connection */
    public boolean isComplete() {
        return complete;
    }

    /** @return true once the upstream was asked for the body (after its {@code 100 Continue}, if one was awaited) */
    public boolean isStarted() {
        return started;
    }

    /** @return true when the upstream answered before it had the whole body, which was then not sent further */
    public boolean isStoppedByAnswer() {
        return stoppedByAnswer;
    }

    /**
     * Why the body could not be sent. An exchange aborted from inside the entity fails with a bare socket error,
     * so the exchange asks here whether the client or a limit was the real cause.
     *
     * @return the failure that stopped {@link #writeTo}, or null
     */
    public Exception failure() {
        return failure;
    }

    static InputStream open(HttpServletRequest request) throws IOException {
        try {
            return request.getInputStream();
        } catch (IllegalStateException e) {
            throw new BodyUnavailableException(e);
        } catch (IOException e) {
            throw new ClientGoneException("client request body failed: " + e, e);
        }
    }

    private int available() {
        try {
            return in.available();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public boolean isRepeatable() {
        return false;
    }

    @Override
    public InputStream getContent() {
        throw new UnsupportedOperationException("a streamed request body can only be written once, with writeTo");
    }

    @Override
    public boolean isStreaming() {
        return true;
    }

    @Override
    public long getContentLength() {
        return length;
    }

    @Override
    public String getContentType() {
        return null; // the client's Content-Type header is copied as a header
    }

    @Override
    public String getContentEncoding() {
        return null; // likewise Content-Encoding: the body is forwarded as sent, never re-coded
    }

    @Override
    public boolean isChunked() {
        return length < 0;
    }

    @Override
    public Set<String> getTrailerNames() {
        return Set.of();
    }

    @Override
    public Supplier<List<? extends Header>> getTrailers() {
        return null;
    }

    @Override
    public void close() {
        // the servlet input stream belongs to the container
    }

    /** A write to the upstream failed: kept apart from client failures, which discard the connection. */
    private static final class UpstreamWriteException extends IOException {
        private static final long serialVersionUID = 1L;

        UpstreamWriteException(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }
}
