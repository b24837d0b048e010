package dev.streamproxy.internal.client;

import dev.streamproxy.internal.body.StreamingRequestEntity;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;

import java.io.IOException;
import java.io.InputStream;

/**
 * An upstream response whose head has arrived and whose body, if any, is still on the connection. The body is read
 * through {@link #body()}; reaching its end returns the connection to the pool, and {@link #close()} before the end
 * discards it: a proxy never drains what nobody will read.
 *
 * <p>When the request body is still going up beside the answer ({@link UploadPump}), the connection is given back
 * only once both have ended: reads of the answer wait with the pump's view of idleness, and the end of the answer
 * waits for the end of the upload for as long as the upstream keeps taking it.
 */
public final class UpstreamResponse implements AutoCloseable {

    private final UpstreamClient client;
    private final ConnectionPool.Lease lease;
    private final UpstreamConnection dedicated;
    private final ClassicHttpRequest request;
    private final ClassicHttpResponse head;
    private final InputStream body;
    private final UploadPump upload;
    private final long timeoutMillis;
    private boolean bodyEnded;
    private boolean finished;

    UpstreamResponse(UpstreamClient client, ConnectionPool.Lease lease, ClassicHttpRequest request,
                     ClassicHttpResponse head, UploadPump upload, long timeoutMillis) throws IOException {
        this(client, lease, null, request, head, upload, timeoutMillis);
    }

    /** On a connection of its own (an upgrade): the connection is closed at the end, never pooled. */
    UpstreamResponse(UpstreamClient client, UpstreamConnection dedicated, ClassicHttpRequest request,
                     ClassicHttpResponse head) throws IOException {
        this(client, null, dedicated, request, head, null, 0);
    }

    private UpstreamResponse(UpstreamClient client, ConnectionPool.Lease lease, UpstreamConnection dedicated,
                             ClassicHttpRequest request, ClassicHttpResponse head, UploadPump upload,
                             long timeoutMillis) throws IOException {
        this.client = client;
        this.upload = upload;
        this.timeoutMillis = timeoutMillis;
        this.lease = lease;
        this.dedicated = dedicated;
        this.request = request;
        this.head = head;
        HttpEntity entity = head.getEntity();
        this.body = entity == null ? null : new BodyStream(entity.getContent(), entity.getContentLength());
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

    /**
     * @return true when the upstream's answer ended the upload before the whole body was sent (an early answer, or
     *         a body the upstream stopped taking), so the client's connection cannot carry another request; false
     *         when the body was sent whole or still goes up beside the answer
     */
    public boolean uploadCutShort() {
        if (!(request.getEntity() instanceof StreamingRequestEntity body) || body.isComplete()) {
            return false;
        }
        return upload == null || !upload.isRunning() || connection().bodyStopped();
    }

    /** @return true while the request body still goes up beside the answer */
    public boolean uploading() {
        return upload != null && upload.isRunning();
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
            return;
        }
        if (upload != null) {
            endUpload(complete);
        }
        client.release(lease, request, head, complete);
    }

    /** The answer has ended (or failed): the upload ends too before the connection is given back or discarded. */
    private void endUpload(boolean answerComplete) {
        try {
            if (answerComplete && !connection().bodyStopped()) {
                upload.awaitEnd(timeoutMillis);
            } else {
                upload.stop(true);
            }
        } catch (java.io.InterruptedIOException e) {
            connection().abort(); // the filter is stopping: the copy fails with its connection
        }
    }

    /**
     * With an upload beside it, a read that has to wait for the upstream waits as the upload's view of idleness
     * says; a body of known length whose last byte was read has nothing left to wait for.
     */
    private void awaitBytes(long left) throws IOException {
        if (left != 0 && upload != null && upload.isRunning() && connection().bufferedInput() == 0) {
            upload.awaitResponseBytes(timeoutMillis);
        }
    }

    /** The entity's stream, minus its draining close. */
    private final class BodyStream extends InputStream {
        private final InputStream in;
        private final boolean counted;
        /** Bytes of a body of known length not read yet; -1 for a body that ends with its framing. */
        private long left;

        BodyStream(InputStream in, long length) {
            this.in = in;
            this.counted = length >= 0;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            awaitBytes(left);
            int b = in.read();
            if (b < 0) {
                ended();
            } else if (counted) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            awaitBytes(left);
            int n = in.read(b, off, len);
            if (n < 0) {
                ended();
            } else if (counted) {
                left -= n;
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
            if (!uploading()) {
                UpstreamResponse.this.close();
            } // else the exchange completes the client's answer first, then closes, which waits for the upload
        }
    }
}
