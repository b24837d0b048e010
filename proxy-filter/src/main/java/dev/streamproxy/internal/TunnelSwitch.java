package dev.streamproxy.internal;

import dev.streamproxy.internal.client.UpstreamConnection;
import dev.streamproxy.internal.client.UpstreamResponse;
import dev.streamproxy.internal.observe.ExchangeRecord;
import dev.streamproxy.internal.route.UpstreamTarget;
import dev.streamproxy.internal.tunnel.Tunnel;
import dev.streamproxy.internal.tunnel.TunnelHandler;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.hc.core5.http.Header;

import java.io.IOException;

/**
 * The switch from an exchange to a tunnel, in the order every container accepts: the {@code 101} status and headers
 * first (Jetty 12 checks the status, {@code Upgrade} and {@code Connection: Upgrade} before it upgrades), then
 * {@code HttpServletRequest.upgrade}, then the tunnel attached to the handler the container made.
 */
final class TunnelSwitch {

    private TunnelSwitch() {
    }

    /** @return the protocol the upstream switched to, from its {@code Upgrade} header */
    static String upgradeOf(UpstreamResponse answer) throws IOException {
        Header upgrade = answer.head().getFirstHeader("Upgrade");
        if (upgrade == null || upgrade.getValue() == null || upgrade.getValue().isBlank()) {
            answer.abort();
            throw new IOException("the upstream answered 101 Switching Protocols without an Upgrade header");
        }
        return upgrade.getValue();
    }

    /** The client's {@code 101}: the upstream's end-to-end headers, then the connection headers of this hop. */
    static void respond(ProxyHandler route, ExchangeRecord record, HttpServletRequest request,
                        HttpServletResponse response, UpstreamResponse answer, UpstreamTarget target,
                        String protocol) {
        response.setStatus(101);
        route.responseHeaders(target).copy(answer.head(), request, response);
        response.setHeader("Upgrade", protocol);
        response.setHeader("Connection", "Upgrade");
        if (route.requestIdHeader != null) {
            response.setHeader(route.requestIdHeader, record.requestId());
        }
    }

    /**
     * Upgrades the client's connection and joins it to the upstream's.
     *
     * @param upstream the upstream's connection, taken over from the exchange
     */
    static void start(ProxyHandler route, HttpServletRequest request, String label, UpstreamConnection upstream)
            throws IOException {
        Tunnel tunnel = route.tunnels.open(label, upstream);
        TunnelHandler handler;
        try {
            handler = request.upgrade(TunnelHandler.class);
        } catch (ServletException | RuntimeException e) {
            tunnel.closeNow("the container refused the upgrade: " + e);
            throw new IOException("the container refused the upgrade: " + e, e);
        }
        // From here on the client's connection is the container's upgrade: nothing may fail the exchange any more
        // (Jetty 12.1 would then find a 502 where it wants its 101, and the tunnel would be left open). So the
        // tunnel is attached first, and the async timeout is turned off on a best-effort basis.
        handler.attach(tunnel);
        handler.turnOffAsyncTimeout(request);
    }
}
