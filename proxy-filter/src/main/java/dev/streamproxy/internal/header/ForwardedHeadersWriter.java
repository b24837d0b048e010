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
 * host and port it reports (in {@code X-Forwarded-*}, else in {@code Forwarded}) win over the connection's in
 * {@code X-Forwarded-*}, since that proxy is where the client connected. The {@code Forwarded} element the proxy
 * appends describes its own hop, as RFC 7239 asks.
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
        // RFC 7239: each hop appends an element describing the request it received, so ours keeps the connection's
        // values; X-Forwarded-Proto/-Host carry one value, the original client's, which a trusted proxy knows
        String hopProto = proto;
        String hopHost = host;
        if (trustedPeer) {
            String forwarded = from.getHeader("Forwarded");
            proto = firstOr(from.getHeader("X-Forwarded-Proto"), forwardedParam(forwarded, "proto", proto));
            host = firstOr(from.getHeader("X-Forwarded-Host"), forwardedParam(forwarded, "host", host));
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
            String element = "for=" + node(peer) + ";proto=" + hopProto + ";host=" + quoted(hopHost);
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

    /** A parameter of the first element of an RFC 7239 {@code Forwarded} value, unquoted; else the fallback. */
    static String forwardedParam(String forwarded, String name, String fallback) {
        if (forwarded == null) {
            return fallback;
        }
        int comma = forwarded.indexOf(',');
        String first = comma < 0 ? forwarded : forwarded.substring(0, comma);
        for (String pair : first.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase(name)) {
                String v = pair.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v.isEmpty() ? fallback : v;
            }
        }
        return fallback;
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
