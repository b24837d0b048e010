package dev.streamproxy.internal.header;

import dev.streamproxy.ForwardedHeaders;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.hc.core5.http.HttpRequest;

/**
 * Writes the proxy's forwarding headers on the upstream request, after the client's have been dropped by
 * {@link RequestHeaderCopier} (so no {@code Connection} trick can remove them).
 *
 * <p>From an untrusted peer every value comes from the connection. From a peer in {@code trustedProxies} the chain
 * it reports is kept and the peer's address appended ({@code X-Forwarded-For: client, peer}), and the protocol,
 * host and port it reports win over the connection's, since that proxy is where the client connected.
 */
public final class ForwardedHeadersWriter {

    private final ForwardedHeaders mode;
    private final String routePrefix;
    private final TrustedProxies trusted;

    /**
     * @param mode        which headers to write
     * @param routePrefix the filter's prefix, appended to the context path for {@code X-Forwarded-Prefix}
     * @param trusted     peers whose forwarding headers are believed
     */
    public ForwardedHeadersWriter(ForwardedHeaders mode, String routePrefix, TrustedProxies trusted) {
        this.mode = mode;
        this.routePrefix = routePrefix;
        this.trusted = trusted;
    }

    /**
     * @param from the client request
     * @param to   the upstream request
     */
    public void write(HttpServletRequest from, HttpRequest to) {
        if (mode == ForwardedHeaders.NONE) {
            return;
        }
        String peer = from.getRemoteAddr();
        boolean trustedPeer = trusted.contains(peer);
        String proto = from.getScheme();
        String host = from.getHeader("Host");
        if (host == null) {
            host = from.getServerName() + ":" + from.getServerPort();
        }
        String port = Integer.toString(from.getServerPort());
        String prefix = from.getContextPath() + routePrefix;
        if (trustedPeer) {
            proto = firstOr(from.getHeader("X-Forwarded-Proto"), proto);
            host = firstOr(from.getHeader("X-Forwarded-Host"), host);
            port = firstOr(from.getHeader("X-Forwarded-Port"), port);
            String theirPrefix = firstOr(from.getHeader("X-Forwarded-Prefix"), "");
            prefix = stripTrailingSlash(theirPrefix) + prefix;
        }
        if (mode.writesXForwarded()) {
            String chain = trustedPeer ? joinChain(from, "X-Forwarded-For") : null;
            to.setHeader("X-Forwarded-For", chain == null ? peer : chain + ", " + peer);
            to.setHeader("X-Forwarded-Proto", proto);
            to.setHeader("X-Forwarded-Host", host);
            to.setHeader("X-Forwarded-Port", port);
            if (!prefix.isEmpty()) {
                to.setHeader("X-Forwarded-Prefix", prefix);
            }
        }
        if (mode.writesForwarded()) {
            String element = "for=" + node(peer) + ";proto=" + proto + ";host=" + quoted(host);
            String chain = trustedPeer ? joinChain(from, "Forwarded") : null;
            to.setHeader("Forwarded", chain == null ? element : chain + ", " + element);
        }
    }

    private static String joinChain(HttpServletRequest from, String name) {
        StringBuilder chain = null;
        var values = from.getHeaders(name);
        while (values.hasMoreElements()) {
            String v = values.nextElement().trim();
            if (v.isEmpty()) {
                continue;
            }
            if (chain == null) {
                chain = new StringBuilder(v);
            } else {
                chain.append(", ").append(v);
            }
        }
        return chain == null ? null : chain.toString();
    }

    private static String firstOr(String headerValue, String fallback) {
        if (headerValue == null || headerValue.isBlank()) {
            return fallback;
        }
        int comma = headerValue.indexOf(',');
        return (comma < 0 ? headerValue : headerValue.substring(0, comma)).trim();
    }

    private static String stripTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** RFC 7239 node: IPv6 addresses are bracketed and quoted. */
    static String node(String address) {
        if (address == null) {
            return "unknown";
        }
        if (address.indexOf(':') < 0) {
            return address;
        }
        return address.startsWith("[") ? "\"" + address + "\"" : "\"[" + address + "]\"";
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
