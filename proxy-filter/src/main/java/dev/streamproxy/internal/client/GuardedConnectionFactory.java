package dev.streamproxy.internal.client;

import org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.io.HttpConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creates upstream connections that refuse to be reused once they hold bytes no request asked for.
 *
 * <p>An upstream that sends more than its response (a body after a 204, 304 or HEAD answer, bytes past its
 * {@code Content-Length}) leaves them on the connection, and a pooled connection would hand them to the next
 * request as its response: one client answered with bytes meant for no one, or with a response an attacker placed
 * there (response queue poisoning). So before every reuse the pool asks {@link GuardedConnection#isStale()}, which
 * answers true when HttpCore's input buffer or the socket holds unread bytes, and the connection is discarded.
 * The check does not block; the blocking one-millisecond probe for a closed connection still runs only after a
 * second of idleness, as before.
 */
final class GuardedConnectionFactory implements HttpConnectionFactory<ManagedHttpClientConnection> {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedConnectionFactory.class);
    private static final long PROBE_AFTER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Field INPUT_BUFFER = inputBufferField();
    private static final AtomicLong IDS = new AtomicLong();

    @Override
    public ManagedHttpClientConnection createConnection(Socket socket) throws IOException {
        GuardedConnection connection = new GuardedConnection("streamproxy-upstream-" + IDS.incrementAndGet());
        if (socket != null) {
            connection.bind(socket);
        }
        return connection;
    }

    /** HttpCore keeps what it read ahead in a package-private field; without it only the socket is checked. */
    private static Field inputBufferField() {
        try {
            Field f = Class.forName("org.apache.hc.core5.http.impl.io.BHttpConnectionBase")
                    .getDeclaredField("inBuffer");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("HttpCore's input buffer is not reachable; unsolicited bytes are detected on the socket only", e);
            return null;
        }
    }

    /** A pooled connection that reports unread input as staleness. */
    static final class GuardedConnection extends DefaultManagedHttpClientConnection {
        private volatile long idleSince = System.nanoTime();

        GuardedConnection(String id) {
            super(id);
        }

        @Override
        public void passivate() {
            idleSince = System.nanoTime();
            super.passivate();
        }

        @Override
        public boolean isStale() throws IOException {
            if (!isOpen() || hasUnreadInput()) {
                return true;
            }
            return System.nanoTime() - idleSince >= PROBE_AFTER_IDLE_NANOS && super.isStale();
        }

        /** True when bytes arrived that no request has asked for yet. */
        boolean hasUnreadInput() {
            try {
                if (INPUT_BUFFER != null
                        && ((org.apache.hc.core5.http.impl.io.SessionInputBufferImpl) INPUT_BUFFER.get(this))
                                .hasBufferedData()) {
                    return true;
                }
                Socket socket = getSocket();
                return socket != null && socket.getInputStream().available() > 0;
            } catch (IOException | ReflectiveOperationException | RuntimeException e) {
                return true; // a connection that cannot be checked is not reused
            }
        }
    }
}
