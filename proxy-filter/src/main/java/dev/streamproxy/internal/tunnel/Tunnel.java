package dev.streamproxy.internal.tunnel;

import dev.streamproxy.internal.client.UpstreamConnection;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.WebConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upgraded connection: the client's, as the container hands it over, and the upstream's, after its
 * {@code 101}. Two pumps copy bytes unchanged, one each way, so whatever the protocol carries (WebSocket frames,
 * subprotocols, extensions, ping and pong, close codes) passes end to end. The end of one direction is passed to the
 * other as a half-close where the socket allows it; an error on either side closes both. The first bytes to the
 * client are the ones the upstream sent right behind its {@code 101}, already in HttpCore's buffer.
 */
public final class Tunnel {

    private static final Logger LOG = LoggerFactory.getLogger(Tunnel.class);
    /** Per direction: a tunnel is often idle for long, so its buffers stay small. */
    static final int BUFFER_SIZE = 8 * 1024;

    private final Tunnels owner;
    private final String label;
    private final UpstreamConnection upstream;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger pumps = new AtomicInteger(2);
    private volatile WebConnection client;
    private volatile long lastActivity = System.nanoTime();

    Tunnel(Tunnels owner, String label, UpstreamConnection upstream) {
        this.owner = owner;
        this.label = label;
        this.upstream = upstream;
    }

    /** Starts both pumps; called once the container has handed the client's connection over. */
    void start(WebConnection connection) {
        this.client = connection;
        owner.run(this::upstreamToClient);
        owner.run(this::clientToUpstream);
    }

    private void upstreamToClient() {
        byte[] buffer = new byte[BUFFER_SIZE];
        try {
            ServletOutputStream out = client.getOutputStream();
            int n = upstream.takeBufferedInput(buffer);
            if (n > 0) {
                forward(out, buffer, n, false);
            }
            InputStream in = upstream.socketInput();
            while (!closed.get() && (n = in.read(buffer)) >= 0) {
                forward(out, buffer, n, false);
            }
            if (!closed.get()) {
                LOG.debug("{} upstream finished sending: closing the client's side", label);
                out.close();
            }
        } catch (IOException | RuntimeException e) {
            close("upstream to client: " + e);
        } finally {
            pumpEnded();
        }
    }

    private void clientToUpstream() {
        byte[] buffer = new byte[BUFFER_SIZE];
        try {
            ServletInputStream in = client.getInputStream();
            OutputStream out = upstream.socketOutput();
            while (!closed.get()) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    if (isContainerIdleTimeout(e) && !closed.get()) {
                        // Jetty fails a pending read with a transient timeout after its idle timeout: the tunnel's
                        // own upgradeIdleTimeout decides when an idle tunnel ends, so read on
                        continue;
                    }
                    throw e;
                }
                if (n < 0) {
                    LOG.debug("{} client finished sending: half-closing the upstream's side", label);
                    upstream.shutdownOutput();
                    return;
                }
                forward(out, buffer, n, true);
            }
        } catch (IOException | RuntimeException e) {
            close("client to upstream: " + e);
        } finally {
            pumpEnded();
        }
    }

    private void forward(OutputStream out, byte[] buffer, int n, boolean up) throws IOException {
        lastActivity = System.nanoTime();
        out.write(buffer, 0, n);
        out.flush();
        owner.transferred(up, n);
    }

    private static boolean isContainerIdleTimeout(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private void pumpEnded() {
        if (pumps.decrementAndGet() == 0) {
            close("both directions ended", true);
        }
    }

    /**
     * @param now         {@link System#nanoTime()}
     * @param idleNanos   {@code upgradeIdleTimeout}
     * @return true when the tunnel had no byte either way for that long, and is now closed
     */
    boolean closeIfIdle(long now, long idleNanos) {
        if (now - lastActivity < idleNanos) {
            return false;
        }
        close("no byte either way for upgradeIdleTimeout");
        return true;
    }

    /**
     * Closes both sides at once (idempotent): an error, an idle timeout, the end of the filter.
     *
     * @param reason for the log line
     */
    void close(String reason) {
        close(reason, false);
    }

    private void close(String reason, boolean clean) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.debug("{} tunnel closed: {}", label, reason);
        if (clean) {
            upstream.close(org.apache.hc.core5.io.CloseMode.GRACEFUL);
        } else {
            upstream.abort();
        }
        WebConnection c = client;
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("{} closing the client's connection: {}", label, e.toString());
            }
        }
        owner.removed(this);
    }

    /**
     * Closes a tunnel that never started (the container refused the upgrade).
     *
     * @param reason for the log line
     */
    public void closeNow(String reason) {
        close(reason);
    }
}
