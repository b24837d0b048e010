package dev.streamproxy.internal.body;

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
 * The client's request body as an HttpClient entity that is never held: {@link #writeTo} copies the servlet input
 * stream to the upstream connection through one pooled buffer as the bytes arrive.
 *
 * <p>Whenever the client has nothing more ready, what was copied so far is flushed upstream, so an upstream sees
 * the start of a slow upload (or of a bidirectional stream) without waiting for HttpClient's buffer to fill. A
 * client that sends fewer bytes than its {@code Content-Length}, or whose connection fails, raises
 * {@link ClientGoneException}, which makes HttpClient discard the upstream connection: a truncated body never
 * becomes a complete upstream request.
 */
public final class StreamingRequestEntity implements HttpEntity {

    private final HttpServletRequest request;
    private InputStream in;
    private final long length;
    private final long limit;
    private final byte[] buffer;
    private final int prefilled;
    private final Runnable abortUpstream;
    private volatile Exception failure;

    /**
     * @param request   the client request, whose input stream is opened only when the upstream wants the body
     * @param in        the input stream if it was already opened (by the form-body probe), else null
     * @param length    the declared length, or -1 for chunked
     * @param limit     the largest body allowed, or -1 for no limit
     * @param buffer    the exchange's copy buffer
     * @param prefilled bytes already read into {@code buffer} (by the form-body probe), sent first
     */
    public StreamingRequestEntity(HttpServletRequest request, InputStream in, long length, long limit, byte[] buffer,
                                  int prefilled) {
        this(request, in, length, limit, buffer, prefilled, () -> { });
    }

    /**
     * @param request       the client request, whose input stream is opened only when the upstream wants the body
     * @param in            the input stream if it was already opened (by the form-body probe), else null
     * @param length        the declared length, or -1 for chunked
     * @param limit         the largest body allowed, or -1 for no limit
     * @param buffer        the exchange's copy buffer
     * @param prefilled     bytes already read into {@code buffer} (by the form-body probe), sent first
     * @param abortUpstream discards the upstream connection; run before any failure leaves {@link #writeTo}
     */
    public StreamingRequestEntity(HttpServletRequest request, InputStream in, long length, long limit, byte[] buffer,
                                  int prefilled, Runnable abortUpstream) {
        this.abortUpstream = abortUpstream;
        this.request = request;
        this.in = in;
        this.length = length;
        this.limit = limit;
        this.buffer = buffer;
        this.prefilled = prefilled;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        try {
            copy(out);
        } catch (IOException | RuntimeException e) {
            failure = e;
            // HttpClient closes the entity stream in a finally block, and closing a chunked stream writes the
            // last chunk: the upstream would read a truncated body as complete. Discarding the connection first
            // leaves that close nothing to write to.
            abortUpstream.run();
            throw e;
        }
    }

    private void copy(OutputStream out) throws IOException {
        if (in == null) {
            // Opened here, not earlier: containers answer the client's "Expect: 100-continue" when the stream is
            // opened, and that must wait until the upstream has agreed to take the body.
            in = open(request);
        }
        long total = prefilled;
        if (limit >= 0 && total > limit) {
            throw new RequestTooLargeException(limit);
        }
        if (prefilled > 0) {
            out.write(buffer, 0, prefilled);
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
            out.write(buffer, 0, n);
            if (available() == 0) {
                out.flush();
            }
        }
        if (length >= 0 && total != length) {
            throw new ClientGoneException("client sent " + total + " of " + length + " body bytes", null);
        }
    }

    private int readClient(long total) throws ClientGoneException {
        try {
            int max = length < 0 ? buffer.length : (int) Math.min(buffer.length, length - total);
            return in.read(buffer, 0, max);
        } catch (IOException e) {
            throw new ClientGoneException("client request body failed: " + e, e);
        }
    }

    /**
     * Why the body could not be sent. HttpClient reports an exchange aborted from inside the entity as a bare
     * "request aborted", so the exchange asks here whether the client or a limit was the real cause.
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
}
