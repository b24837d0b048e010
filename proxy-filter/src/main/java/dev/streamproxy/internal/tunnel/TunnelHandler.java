package dev.streamproxy.internal.tunnel;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Servlet API's end of a tunnel: the container creates it in {@code HttpServletRequest.upgrade} and calls
 * {@link #init} with the client's upgraded connection. Containers differ on when: Tomcat, and Jetty 12.1.14, after
 * the filter chain has returned; earlier Jetty 12 releases inside {@code upgrade()} itself. So the tunnel starts when
 * both the connection and the upstream side ({@link #attach}) are there, whichever comes second.
 */
public final class TunnelHandler implements HttpUpgradeHandler {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelHandler.class);

    private WebConnection client;
    private Tunnel tunnel;
    private boolean started;
    /** A request whose async timeout is to be turned off in {@link #init}: see {@link #turnOffAsyncTimeout}. */
    private HttpServletRequest asyncPending;

    /** For the container, which instantiates it by reflection. */
    public TunnelHandler() {
    }

    @Override
    public void init(WebConnection connection) {
        JettyStaleEnd.drop(connection); // before a pump can read
        HttpServletRequest pending;
        synchronized (this) {
            this.client = connection;
            pending = asyncPending;
            asyncPending = null;
            startWhenReady();
        }
        if (pending != null && !asyncTimeoutOff(pending)) {
            LOG.debug("the upgraded request's async timeout could not be turned off");
        }
    }

    /** @param tunnel the upstream side, with its connection and the bytes that came after its {@code 101} */
    public synchronized void attach(Tunnel tunnel) {
        this.tunnel = tunnel;
        startWhenReady();
    }

    /**
     * Jetty puts an upgraded request in async mode, whose timeout (30 s by default) would end the tunnel: the
     * tunnel's own {@code upgradeIdleTimeout} decides instead. Tomcat does not (its request is not async, and nothing
     * is done). Earlier Jetty 12 releases start async mode inside {@code upgrade()}, so the timeout is turned off
     * here; Jetty 12.1.14 reports the request async started at once but makes its {@code AsyncContext} only after
     * the filter chain has returned, just before {@link #init}, so there the timeout is turned off in {@code init}
     * (the request is still Jetty's live one then; a Tomcat request, recycled by then, is never touched there).
     *
     * @param request the request that asked for the upgrade, just upgraded
     */
    public void turnOffAsyncTimeout(HttpServletRequest request) {
        if (!request.isAsyncStarted() || asyncTimeoutOff(request)) {
            return;
        }
        synchronized (this) {
            if (client == null) {
                asyncPending = request;
                return;
            }
        }
        LOG.debug("the upgraded request's async timeout could not be turned off");
    }

    /** @return true when the request's async timeout is now off (0: none) */
    private static boolean asyncTimeoutOff(HttpServletRequest request) {
        try {
            request.getAsyncContext().setTimeout(0);
            return true;
        } catch (IllegalStateException e) {
            return false; // no AsyncContext (yet)
        }
    }

    private void startWhenReady() {
        if (!started && client != null && tunnel != null) {
            started = true;
            tunnel.start(client);
        }
    }

    /** The container is done with the connection: close the tunnel, both sides. */
    @Override
    public void destroy() {
        Tunnel t;
        synchronized (this) {
            t = tunnel;
            asyncPending = null;
        }
        if (t != null) {
            t.containerClosed();
        }
    }
}
