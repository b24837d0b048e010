package dev.streamproxy.it.support;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 message-body framing, by hand: exactly Content-Length bytes, chunked, or until the connection closes. */
public final class BodyStreams {

    private BodyStreams() {
    }

    /** A framed body that knows whether it has been read to its end. */
    public abstract static class Body extends InputStream {
        /** @return true once every byte of the body has been read */
        public abstract boolean finished();
    }

    /** @return an empty body */
    public static Body empty() {
        return new Body() {
            @Override
            public int read() {
                return -1;
            }

            @Override
            public boolean finished() {
                return true;
            }
        };
    }

    /** @return a stream of exactly {@code length} bytes; an early end of the connection is an {@link EOFException} */
    public static Body fixedLength(InputStream in, long length) {
        return new Body() {
            private long remaining = length;

            @Override
            public boolean finished() {
                return remaining <= 0;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("connection closed with " + remaining + " of " + length
                            + " promised body bytes missing");
                }
                remaining -= n;
                return n;
            }

            @Override
            public int available() throws IOException {
                return (int) Math.min(in.available(), remaining);
            }

            @Override
            public void close() {
                // the connection belongs to the caller
            }
        };
    }

    /**
     * @return the decoded content of a chunked body; trailers are read and discarded. The CRLF that ends a chunk's
     *         data is read with the next chunk's size line, not with its last byte: Jetty sends that CRLF only with the
     *         next chunk, and a client that reads exactly the bytes it expects (an echo of what it sent) must not wait
     *         for the next chunk to get them
     */
    public static Body chunked(InputStream in) {
        return new Body() {
            private long chunkRemaining;
            private boolean crlfPending;
            private boolean done;

            @Override
            public boolean finished() {
                return done;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (done) {
                    return -1;
                }
                if (len == 0) {
                    return 0; // never block on the next chunk for an empty read (readNBytes makes one)
                }
                if (chunkRemaining == 0) {
                    if (crlfPending && !HttpHead.readLine(in, false).isEmpty()) {
                        throw new IOException("chunk not followed by CRLF");
                    }
                    crlfPending = false;
                    String sizeLine = HttpHead.readLine(in, false);
                    int semi = sizeLine.indexOf(';');
                    String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).strip();
                    chunkRemaining = Long.parseLong(hex, 16);
                    if (chunkRemaining == 0) {
                        while (!HttpHead.readLine(in, false).isEmpty()) {
                            // trailer field, ignored
                        }
                        done = true;
                        return -1;
                    }
                }
                int n = in.read(b, off, (int) Math.min(len, chunkRemaining));
                if (n < 0) {
                    throw new EOFException("connection closed inside a chunk");
                }
                chunkRemaining -= n;
                crlfPending = chunkRemaining == 0;
                return n;
            }
        };
    }

    /** Writes one chunk (nothing for an empty array: that would end the body). */
    public static void writeChunk(OutputStream out, byte[] data, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(data, off, len);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes one chunk holding all of {@code data}. */
    public static void writeChunk(OutputStream out, byte[] data) throws IOException {
        writeChunk(out, data, 0, data.length);
    }

    public static void writeLastChunk(OutputStream out) throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads and discards everything. @return the number of bytes */
    /**
     * Reads one server-sent event, up to and including the blank line that ends it.
     *
     * @throws IOException when the stream ends inside an event
     */
    public static String readEvent(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream event = new java.io.ByteArrayOutputStream();
        int last = -1;
        for (int b; (b = in.read()) >= 0; ) {
            event.write(b);
            if (b == '\n' && last == '\n') {
                return event.toString(StandardCharsets.UTF_8);
            }
            last = b;
        }
        throw new IOException("stream ended inside an event: " + event.toString(StandardCharsets.UTF_8));
    }

    public static long drain(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            total += n;
        }
        return total;
    }
}
