package dev.streamproxy.internal.header;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.hc.core5.http.HttpRequest;

import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;

/**
 * Copies the client's request headers to the upstream request, minus what must not cross the proxy.
 *
 * <p>Dropped: hop-by-hop headers and every header named in {@code Connection}; {@code Content-Length} (the
 * streamed entity declares its own framing, and HttpClient refuses a request that has both); {@code Host} unless
 * {@code preserveHost}; every client-sent {@code X-Forwarded-*} and {@code Forwarded} (the proxy writes its own,
 * see {@link ForwardedHeadersWriter}); and a header whose name only differs from one of those by {@code _} for
 * {@code -} ({@code X_Forwarded_For}), because CGI-style upstreams read both spellings as the same variable.
 * {@code TE} is reduced to {@code trailers} when the client accepts trailers. Every other header is copied with
 * all its values, in order.
 */
public final class RequestHeaderCopier {

    private static final Set<String> REPLACED_BY_PROXY = HopByHop.caseInsensitive(
            "Host", "Content-Length", "Forwarded", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
            "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Server", "X-Real-IP");

    private final boolean preserveHost;

    /** @param preserveHost whether the client's {@code Host} is forwarded */
    public RequestHeaderCopier(boolean preserveHost) {
        this.preserveHost = preserveHost;
    }

    /**
     * @param from the client request
     * @param to   the upstream request, which has no headers yet
     */
    public void copy(HttpServletRequest from, HttpRequest to) {
        Set<String> listed = HopByHop.connectionListed(from.getHeaders("Connection"));
        Enumeration<String> names = from.getHeaderNames();
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            if (HopByHop.isHopByHop(name)) {
                if ("TE".equalsIgnoreCase(name) && acceptsTrailers(from.getHeaders(name))) {
                    // TE is hop-by-hop, so the hop that sends it names it in Connection (RFC 9110 10.1.4)
                    to.addHeader("TE", "trailers");
                    to.addHeader("Connection", "TE");
                }
                continue;
            }
            if (listed.contains(name) || isReplacedByProxy(name)) {
                continue;
            }
            Enumeration<String> values = from.getHeaders(name);
            while (values.hasMoreElements()) {
                to.addHeader(name, values.nextElement());
            }
        }
    }

    private boolean isReplacedByProxy(String name) {
        if (preserveHost && "Host".equalsIgnoreCase(name)) {
            return false;
        }
        if (REPLACED_BY_PROXY.contains(name)) {
            return true;
        }
        if (name.indexOf('_') >= 0) {
            String dashed = name.replace('_', '-');
            return REPLACED_BY_PROXY.contains(dashed) || HopByHop.isHopByHop(dashed);
        }
        return false;
    }

    private static boolean acceptsTrailers(Enumeration<String> values) {
        while (values.hasMoreElements()) {
            for (String token : values.nextElement().split(",")) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                if (t.equals("trailers") || t.startsWith("trailers;")) {
                    return true;
                }
            }
        }
        return false;
    }
}
