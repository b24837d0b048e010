package dev.streamproxy.internal.tunnel;

import dev.streamproxy.internal.client.UpstreamConnection;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.WebConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upgraded connection: the client's, as the container hands it over, and the upstream's, after its
 * {@code 101}. Two pumps copy bytes unchanged, one each way, so whatever the protocol carries (WebSocket frames,
 * subprotocols, extensions, ping and pong, close codes) passes end to end. The first bytes to the client are the ones
 * the upstream sent right behind its {@code 101}, already in HttpCore's buffer.
 *
 * <p>Ending. The client's end of stream is passed to the upstream as a half-close, and the upstream may go on
 * sending. The upstream's end of stream cannot be passed on that way: no container can half-close an upgraded
 * connection (closing its output stream sends no FIN on Tomcat or Jetty, and the client would wait for an end that
 * never comes). So the client is given {@link #UPSTREAM_END_GRACE_MILLIS} to finish too (a WebSocket server may
 * close its side right after its close frame, while the client's answering close frame is still on its way), then
 * the tunnel ends: the client's connection is closed, and the upstream's, gracefully. An error on either side, the
 * idle timeout and the filter's end close both at once, the upstream's with a reset.
 */
public final class Tunnel {

    private static final Logger LOG = LoggerFactory.getLogger(Tunnel.class);
    /** Per direction: a tunnel is often idle for long, so its buffers stay small. */
    static final int BUFFER_SIZE = 8 * 1024;
    /** How long the client may go on sending once the upstream has finished: see the class comment. */
    static final long UPSTREAM_END_GRACE_MILLIS = 2000;

    private final Tunnels owner;
    private final String label;
    private final UpstreamConnection upstream;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger pumps = new AtomicInteger(2);
    private final AtomicBoolean clientClosed = new AtomicBoolean();
    private volatile WebConnection client;
    /** The pump writing to the client has ended: from then on nothing else writes to the client's connection. */
    private volatile boolean writerDone;
    /** The thread of the pump reading from the client while it runs, guarded by itself. */
    private final Thread[] clientReader = new Thread[1];
    /** Counted down when the pump reading from the client has ended, however it ended. */
    private final CountDownLatch clientDone = new CountDownLatch(1);
    private volatile long lastActivity = System.nanoTime();

    Tunnel(Tunnels owner, String label, UpstreamConnection upstream) {
        this.owner = owner;
        this.label = label;
        this.upstream = upstream;
    }

    /** Starts both pumps; called once the container has handed the client's connection over. */
    void start(WebConnection connection) {
        this.client = connection;
        if (closed.get()) {
            // closed before the container handed the connection over (the filter's end): close it too
            writerDone = true;
            closeClient();
            return;
        }
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
            // no half-close towards the client (see the class comment): it may finish, briefly, then the tunnel ends
            if (!closed.get() && clientDone.getCount() > 0) {
                LOG.debug("{} upstream finished sending: the client may finish for {} ms", label,
                        UPSTREAM_END_GRACE_MILLIS);
                clientDone.await(UPSTREAM_END_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            }
            close("the upstream finished sending", true);
        } catch (IOException | RuntimeException e) {
            close("upstream to client: " + e);
        } catch (InterruptedException e) {
            close("the filter is being destroyed");
        } finally {
            writerDone = true;
            if (closed.get()) {
                closeClient();
            }
            pumpEnded();
        }
    }

    private void clientToUpstream() {
        synchronized (clientReader) {
            clientReader[0] = Thread.currentThread();
        }
        byte[] buffer = new byte[BUFFER_SIZE];
        try {
            ServletInputStream in = client.getInputStream();
            OutputStream out = upstream.socketOutput();
            while (!closed.get()) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    if (e.getClass() == EOFException.class) {
                        // Tomcat's upgraded stream reports the client's end of stream with a plain EOFException
                        // where a read should return -1: an orderly end, to be passed on, not an error
                        n = -1;
                    } else if (isContainerIdleTimeout(e) && !closed.get()) {
                        // Jetty fails a pending read with a transient timeout after its idle timeout: the tunnel's
                        // own upgradeIdleTimeout decides when an idle tunnel ends, so read on
                        LOG.debug("{} the container's idle timeout failed a read from the client: reading on", label);
                        continue;
                    } else {
                        throw e;
                    }
                }
                if (n < 0) {
                    if (!closed.get()) {
                        LOG.debug("{} client finished sending: half-closing the upstream's side", label);
                        upstream.shutdownOutput();
                    }
                    return;
                }
                forward(out, buffer, n, true);
            }
        } catch (IOException | RuntimeException e) {
            close("client to upstream: " + e);
        } finally {
            synchronized (clientReader) {
                clientReader[0] = null;
            }
            clientDone.countDown();
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
        if (writerDone) {
            closeClient();
        } // else the writing pump closes it when it ends, at once now that the upstream is closed
        owner.removed(this);
    }

    /**
     * The container's end of the client's connection is over: the tunnel closes, gracefully (on Jetty this is when
     * both upgraded streams have ended; on Tomcat when it closes the connection itself).
     */
    void containerClosed() {
        close("the container closed the client connection", true);
    }

    /**
     * Closes the client's connection, once, when nothing writes to it any more.
     *
     * <p>Tomcat closes an upgraded connection only when, at some later event on its socket, it finds both upgraded
     * streams closed: {@link WebConnection#close()} alone leaves the socket open (the client waits for an end that
     * never comes, or the socket lingers in CLOSE_WAIT once the client has gone). A write listener, set while the
     * output is still open, makes Tomcat dispatch such an event: the listener closes the output there, and Tomcat
     * closes the socket. Jetty closes the connection as soon as both streams are closed; the listener changes nothing
     * there. And neither wakes a read blocked on the connection (Tomcat waits with no timeout on an upgraded
     * connection): the reading pump is interrupted until it has noticed.
     */
    private void closeClient() {
        WebConnection c = client;
        if (c == null || !clientClosed.compareAndSet(false, true)) {
            return;
        }
        try {
            c.getInputStream().close();
        } catch (Exception e) {
            LOG.debug("{} closing the client's input: {}", label, e.toString());
        }
        if (JettyStaleEnd.isJetty(c)) {
            // Jetty completes the upgraded request when both streams are closed, and reads what is left of the
            // input while completing: a read still blocked in the reading pump races that (Jetty 12.1.14 then
            // fails with a NullPointerException and leaves the connection open). An interrupt ends Jetty's blocked
            // read, so the pump ends first. Jetty needs no write event to close the connection.
            stopClientReader();
        } else {
            try {
                ServletOutputStream out = c.getOutputStream();
                out.setWriteListener(new ClosingListener(out));
            } catch (Exception e) {
                LOG.debug("{} no write listener on the client's connection: {}", label, e.toString());
            }
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("{} closing the client's connection: {}", label, e.toString());
        }
        if (interruptClientReader()) {
            try {
                owner.run(this::unblockClientReader);
            } catch (RejectedExecutionException e) {
                // the filter is being destroyed: stopping its threads interrupts the pump
            }
        }
    }

    /**
     * Interrupts the pump reading from the client every 25 ms until it has ended, for at most 5 s; returns at once
     * when it is not running or when this is that pump.
     */
    private void stopClientReader() {
        for (int i = 0; i < 200; i++) {
            synchronized (clientReader) {
                Thread reader = clientReader[0];
                if (reader == null || reader == Thread.currentThread()) {
                    return;
                }
                reader.interrupt();
            }
            try {
                if (clientDone.await(25, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the filter is being destroyed: its threads are stopped anyway
                return;
            }
        }
        LOG.debug("{} the pump reading from the client did not end within 5 s", label);
    }

    /** Interrupts the reading pump every 25 ms for up to 5 s, until it has ended. */
    private void unblockClientReader() {
        for (int i = 0; i < 200 && interruptClientReader(); i++) {
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                return; // the filter is being destroyed: its threads are being stopped anyway
            }
        }
    }

    /** @return true when the reading pump was still running, and is now interrupted */
    private boolean interruptClientReader() {
        synchronized (clientReader) {
            if (clientReader[0] == null) {
                return false;
            }
            clientReader[0].interrupt();
            return true;
        }
    }

    /** Closes the client's output when the container says it may be written: see {@link #closeClient()}. */
    private final class ClosingListener implements WriteListener {
        private final ServletOutputStream out;

        ClosingListener(ServletOutputStream out) {
            this.out = out;
        }

        @Override
        public void onWritePossible() throws IOException {
            out.close();
        }

        @Override
        public void onError(Throwable t) {
            LOG.debug("{} closing the client's connection: {}", label, t.toString());
        }
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
