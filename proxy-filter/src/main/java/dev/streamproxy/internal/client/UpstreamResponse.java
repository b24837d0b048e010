package dev.streamproxy.internal.client;

import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;

import java.io.IOException;
import java.io.InputStream;

/**
 * An upstream response whose head has arrived and whose body, if any, is still on the connection. The body is read
 * through {@link #body()}; reaching its end returns the connection to the pool, and {@link #close()} before the end
 * discards it: a proxy never drains what nobody will read.
 */
public final class UpstreamResponse implements AutoCloseable {

    private final UpstreamClient client;
    private final ConnectionPool.Lease lease;
    private final UpstreamConnection dedicated;
    private final ClassicHttpRequest request;
    private final ClassicHttpResponse head;
    private final InputStream body;
    private boolean bodyEnded;
    private boolean finished;

    UpstreamResponse(UpstreamClient client, ConnectionPool.Lease lease, ClassicHttpRequest request,
                     ClassicHttpResponse head) throws IOException {
        this(client, lease, null, request, head);
    }

    /** On a connection of its own (an upgrade): the connection is closed at the end, never pooled. */
    UpstreamResponse(UpstreamClient client, UpstreamConnection dedicated, ClassicHttpRequest request,
                     ClassicHttpResponse head) throws IOException {
        this(client, null, dedicated, request, head);
    }

    private UpstreamResponse(UpstreamClient client, ConnectionPool.Lease lease, UpstreamConnection dedicated,
                             ClassicHttpRequest request, ClassicHttpResponse head) throws IOException {
        this.client = client;
        this.lease = lease;
        this.dedicated = dedicated;
        this.request = request;
        this.head = head;
        HttpEntity entity = head.getEntity();
        this.body = entity == null ? null : new BodyStream(entity.getContent(), entity.getContentLength() >= 0);
        this.bodyEnded = entity == null;
    }

    /** @return the status line and headers */
    public ClassicHttpResponse head() {
        return head;
    }

    /** @return the status code */
    public int code() {
        return head.getCode();
    }

    /** @return the body's declared length, -1 when chunked or read to the end of the connection */
    public long contentLength() {
        HttpEntity entity = head.getEntity();
        return entity == null ? -1 : entity.getContentLength();
    }

    /** @return the body, or null when the response has none (HEAD, 204, 304) */
    public InputStream body() {
        return body;
    }

    /** @return true when body bytes have arrived, so reading the body will not wait for the upstream */
    public boolean bodyReady() {
        return connection().inputReady();
    }

    /** @return the connection the response came on */
    public UpstreamConnection connection() {
        return dedicated != null ? dedicated : lease.connection();
    }

    /**
     * Hands the connection over to the caller (a tunnel after {@code 101 Switching Protocols}): this response will
     * neither close nor pool it any more.
     *
     * @return the connection, now the caller's
     * @throws IllegalStateException when the response is on a pooled connection
     */
    public UpstreamConnection takeConnection() {
        if (dedicated == null) {
            throw new IllegalStateException("a pooled connection cannot be taken over");
        }
        finished = true;
        return dedicated;
    }

    /** Discards the connection at once, whatever state the exchange is in. */
    public void abort() {
        finish(false);
    }

    /** Returns the connection to the pool if the exchange completed cleanly, else discards it. */
    @Override
    public void close() {
        finish(bodyEnded);
    }

    private void finish(boolean complete) {
        if (finished) {
            return;
        }
        finished = true;
        if (dedicated != null) {
            dedicated.abort();
        } else {
            client.release(lease, request, head, complete);
        }
    }

    /** The entity's stream, minus its draining close. */
    private final class BodyStream extends InputStream {
        private final InputStream in;
        private final boolean counted;

        BodyStream(InputStream in, boolean counted) {
            this.in = in;
            this.counted = counted;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b < 0) {
                ended();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                ended();
            }
            return n;
        }

        /**
         * HttpCore counts only its own buffer, which a large read bypasses; for a body of known length every byte
         * in the socket is body, so those count too and a copy can fill its buffer before it writes. A chunked
         * body's socket bytes may be framing whose rest is still on its way, so there only HttpCore's count holds.
         */
        @Override
        public int available() throws IOException {
            int buffered = in.available();
            return buffered > 0 || !counted || bodyEnded ? buffered : connection().socketAvailable();
        }

        @Override
        public void close() {
            UpstreamResponse.this.close();
        }

        private void ended() {
            bodyEnded = true;
            UpstreamResponse.this.close();
        }
    }
}
