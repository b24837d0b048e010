package dev.streamproxy.internal.tunnel;

import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

/**
 * The Servlet API's end of a tunnel: the container creates it in {@code HttpServletRequest.upgrade} and calls
 * {@link #init} with the client's upgraded connection. Containers differ on when: Tomcat after the filter chain has
 * returned, Jetty 12 inside {@code upgrade()} itself. So the tunnel starts when both the connection and the
 * upstream side ({@link #attach}) are there, whichever comes second.
 */
public final class TunnelHandler implements HttpUpgradeHandler {

    private WebConnection client;
    private Tunnel tunnel;
    private boolean started;

    /** For the container, which instantiates it by reflection. */
    public TunnelHandler() {
    }

    @Override
    public synchronized void init(WebConnection connection) {
        this.client = connection;
        startWhenReady();
    }

    /** @param tunnel the upstream side, with its connection and the bytes that came after its {@code 101} */
    public synchronized void attach(Tunnel tunnel) {
        this.tunnel = tunnel;
        startWhenReady();
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
        }
        if (t != null) {
            t.close("the container closed the client connection");
        }
    }
}
