package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.BodyStreams;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.Upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A full-duplex upstream, as an echo service or a speech-to-text service that streams its transcript while the audio
 * uploads: it answers {@code 200} as soon as the request head is in, then writes back each piece of the body as it
 * reads it (flushed at once), and ends its answer once the body has ended. The answer is chunked, or
 * ({@link #withContentLength}) framed by a {@code Content-Length} equal to the request's. Nothing it writes waits for
 * the end of the upload, so a proxy that reads the answer only once it has sent the whole body stalls.
 *
 * <p>It keeps what it received (length and SHA-256, when the body ended as framed) and how its exchange ended: the
 * whole body arrived, or the connection ended (EOF or reset) before the body's end.
 */
final class EchoAsItReads implements Upstream.Handler {

    /** How long a read or write may block before the handler gives up (a backstop: tests bound themselves). */
    private static final Duration BACKSTOP = Duration.ofSeconds(30);
    static final String WHOLE_BODY = "the whole body arrived";

    private final boolean contentLength;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicLong read = new AtomicLong();
    private volatile Payload.Digest received;
    private volatile String end = "no request arrived";

    private EchoAsItReads(boolean contentLength) {
        this.contentLength = contentLength;
    }

    /** @return an echo whose answer is chunked */
    static EchoAsItReads chunked() {
        return new EchoAsItReads(false);
    }

    /** @return an echo whose answer has the request's {@code Content-Length} (the request must have one) */
    static EchoAsItReads withContentLength() {
        return new EchoAsItReads(true);
    }

    @Override
    public void handle(Upstream.Exchange ex) throws Exception {
        end = "still reading";
        try {
            ex.socket().setSoTimeout((int) BACKSTOP.toMillis());
            long length = ex.head().contentLength();
            if (contentLength && length < 0) {
                throw new IllegalStateException("an echo with a Content-Length needs a request with one");
            }
            ex.writeHead(200, "OK", "Content-Type: application/octet-stream",
                    contentLength ? "Content-Length: " + length : "Transfer-Encoding: chunked");
            ex.out().flush();
            received = echo(ex.body(), ex.out());
            end = WHOLE_BODY;
        } catch (IOException e) {
            end = "the connection ended after " + read.get() + " body bytes: " + e;
            ex.closeAfter();
        } finally {
            ended.countDown();
        }
    }

    private Payload.Digest echo(InputStream body, OutputStream out) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = body.read(buf)) >= 0; ) {
            md.update(buf, 0, n);
            read.addAndGet(n);
            if (contentLength) {
                out.write(buf, 0, n);
            } else {
                BodyStreams.writeChunk(out, buf, 0, n);
            }
            out.flush();
        }
        if (!contentLength) {
            BodyStreams.writeLastChunk(out);
        }
        out.flush();
        return new Payload.Digest(read.get(), HexFormat.of().formatHex(md.digest()));
    }

    /** Waits (bounded) for the exchange to end; fails naming how far it got. */
    void awaitEnd(Duration timeout, String what) {
        Await.latch(ended, timeout, what, this::describe);
    }

    /** @return true when the answer has the request's {@code Content-Length}, false when it is chunked */
    boolean withLength() {
        return contentLength;
    }

    /** @return length and SHA-256 of the body when it arrived whole, else null */
    Payload.Digest received() {
        return received;
    }

    /** @return {@link #WHOLE_BODY}, or how the connection ended before the body's end, or that it is still going */
    String end() {
        return end;
    }

    String describe() {
        return end + " (" + read.get() + " body bytes read)";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
