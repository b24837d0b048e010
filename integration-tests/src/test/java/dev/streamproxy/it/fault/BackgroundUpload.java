package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.BodyStreams;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.Payload;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A generated request body written to a client connection from a thread of its own, the way a real client uploads
 * while it already reads the response: the test reads an early answer while the body is still going up, and a
 * write that blocks (nobody reads) or fails (the container closed or reset the connection) never blocks the test.
 * How the writing ended is kept as a finding. The thread ends at the latest when the test closes the connection.
 * The body goes as raw bytes (the request's {@code Content-Length} frames it) or, {@link #startChunked}, as chunks
 * of 64 KiB and the last chunk.
 */
final class BackgroundUpload {

    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicLong written = new AtomicLong();
    private volatile String outcome = "still writing";

    private BackgroundUpload() {
    }

    /** Starts writing {@code length} bytes of {@link Payload#stream}{@code (length, seed)} to {@code connection}. */
    static BackgroundUpload start(ClientConnection connection, long length, long seed) {
        return start(connection, length, seed, false);
    }

    /** As {@link #start}, chunked: the request's head must say {@code Transfer-Encoding: chunked}. */
    static BackgroundUpload startChunked(ClientConnection connection, long length, long seed) {
        return start(connection, length, seed, true);
    }

    private static BackgroundUpload start(ClientConnection connection, long length, long seed, boolean chunked) {
        BackgroundUpload upload = new BackgroundUpload();
        Thread t = new Thread(() -> upload.write(connection, length, seed, chunked), "client-upload");
        t.setDaemon(true);
        t.start();
        return upload;
    }

    private void write(ClientConnection connection, long length, long seed, boolean chunked) {
        byte[] buf = new byte[64 * 1024];
        try {
            OutputStream socket = connection.socket().getOutputStream();
            // a chunk's size line and CRLF go out with its data, not as packets of their own
            OutputStream out = chunked ? new BufferedOutputStream(socket, buf.length + 32) : socket;
            InputStream body = Payload.stream(length, seed);
            for (int n; (n = body.read(buf)) >= 0; ) {
                if (chunked) {
                    BodyStreams.writeChunk(out, buf, 0, n);
                } else {
                    out.write(buf, 0, n);
                }
                written.addAndGet(n);
            }
            if (chunked) {
                BodyStreams.writeLastChunk(out);
            }
            out.flush();
            outcome = "wrote all " + written.get() + " bytes";
        } catch (IOException e) {
            outcome = "write failed after " + written.get() + " bytes: " + e;
        } finally {
            ended.countDown();
        }
    }

    /**
     * @return how the writing ended, or that it was still going (blocked, or still being read) at the deadline
     */
    String awaitEnd(Duration timeout) {
        if (!Await.quietly(ended, timeout)) {
            return "still writing after " + timeout.toSeconds() + " s, " + written.get() + " bytes written";
        }
        return outcome;
    }

    /** @return bytes the client's socket accepted so far */
    long written() {
        return written.get();
    }
}
