package dev.streamproxy.internal.body;

import dev.streamproxy.internal.error.ClientGoneException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies the upstream's response body to the client as it arrives, through the exchange's pooled buffer.
 *
 * <p>Whenever the upstream has nothing more ready, what was copied is flushed to the client at once, so server-sent
 * events and streamed tokens reach the client as the upstream produces them, while a fast bulk download still moves
 * in full buffers. A failure writing to the client raises {@link ClientGoneException}; a failure reading the upstream
 * propagates as the upstream's own {@code IOException}.
 */
public final class ResponseBodyStreamer {

    private ResponseBodyStreamer() {
    }

    /**
     * @param upstream the upstream entity's stream
     * @param client   the servlet output stream
     * @param buffer   the exchange's copy buffer
     * @return the number of bytes copied
     * @throws ClientGoneException when the client can no longer be written to
     * @throws IOException         when the upstream body fails
     */
    public static long copy(InputStream upstream, OutputStream client, byte[] buffer) throws IOException {
        return copy(upstream, client, buffer, null);
    }

    /**
     * @param upstream the upstream entity's stream
     * @param client   the servlet output stream
     * @param buffer   the exchange's copy buffer
     * @param stream   true for a body of unknown length (server-sent events, token streams): while it waits for its
     *                 next bytes it holds no copy buffer, so a thousand idle streams hold none
     * @param written  told the size of every write that reached the client, or null
     * @return the number of bytes copied
     * @throws ClientGoneException when the client can no longer be written to
     * @throws IOException         when the upstream body fails
     */
    public static long copy(InputStream upstream, OutputStream client, CopyBuffer buffer, boolean stream,
                            java.util.function.LongConsumer written) throws IOException {
        long total = 0;
        boolean idle = false;
        boolean ended = false;
        while (!ended) {
            byte[] b;
            int n;
            if (idle && stream) {
                int first = upstream.read(); // waits for the next event without a buffer
                if (first < 0) {
                    break;
                }
                b = buffer.bytes();
                b[0] = (byte) first;
                int more = Math.min(upstream.available(), b.length - 1);
                n = 1 + (more > 0 ? Math.max(0, upstream.read(b, 1, more)) : 0);
            } else {
                b = buffer.bytes();
                n = upstream.read(b);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    continue;
                }
                // what has already arrived joins this write: fewer, fuller writes cost the container less
                int more;
                while (n < b.length && upstream.available() > 0 && (more = upstream.read(b, n, b.length - n)) != 0) {
                    if (more < 0) {
                        ended = true;
                        break;
                    }
                    n += more;
                }
            }
            total += n;
            write(client, b, n);
            if (written != null) {
                written.accept(n);
            }
            idle = ended || upstream.available() == 0;
            if (idle) {
                flush(client);
                if (stream) {
                    buffer.releaseWhileIdle();
                }
            }
        }
        return total;
    }

    /**
     * @param upstream the upstream entity's stream
     * @param client   the servlet output stream
     * @param buffer   the exchange's copy buffer
     * @param written  told the size of every write that reached the client, or null
     * @return the number of bytes copied
     * @throws ClientGoneException when the client can no longer be written to
     * @throws IOException         when the upstream body fails
     */
    public static long copy(InputStream upstream, OutputStream client, byte[] buffer,
                            java.util.function.LongConsumer written) throws IOException {
        long total = 0;
        int n;
        while ((n = upstream.read(buffer)) >= 0) {
            if (n == 0) {
                continue;
            }
            total += n;
            write(client, buffer, n);
            if (written != null) {
                written.accept(n);
            }
            if (upstream.available() == 0) {
                flush(client);
            }
        }
        return total;
    }

    private static void write(OutputStream client, byte[] buffer, int n) throws ClientGoneException {
        try {
            client.write(buffer, 0, n);
        } catch (IOException e) {
            throw new ClientGoneException("client response write failed: " + e, e);
        }
    }

    private static void flush(OutputStream client) throws ClientGoneException {
        try {
            client.flush();
        } catch (IOException e) {
            throw new ClientGoneException("client response flush failed: " + e, e);
        }
    }
}
