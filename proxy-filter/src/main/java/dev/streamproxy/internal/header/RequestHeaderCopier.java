package dev.streamproxy.internal.header;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.hc.core5.http.HttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;

/**
 * Copies the client's request headers to the upstream request, minus what must not cross the proxy.
 *
 * <p>Dropped: hop-by-hop headers and every header named in {@code Connection}; {@code Content-Length} (the
 * streamed entity declares its own framing); {@code Host} unless {@code preserveHost}; every client-sent
 * {@code X-Forwarded-*} and {@code Forwarded} (the proxy writes its own, see {@link ForwardedHeadersWriter}); and
 * every header whose name contains {@code _} unless {@code allowUnderscoreHeaders}, because CGI-style upstreams
 * (PHP, WSGI, Rack) read {@code X_Auth_User} and the {@code X-Auth-User} an authentication layer set as the same
 * variable, so a client could override an identity header (nginx and Apache httpd drop them too). Even when
 * allowed, a name that only differs from a dropped one by {@code _} for {@code -} ({@code X_Forwarded_For}) is
 * never forwarded. {@code TE} is reduced to {@code trailers} when the client accepts trailers. Every other header is
 * copied with all its values, in order.
 */
public final class RequestHeaderCopier {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHeaderCopier.class);
    private static final Set<String> REPLACED_BY_PROXY = HopByHop.caseInsensitive(
            "Host", "Content-Length", "Forwarded", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
            "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Server", "X-Real-IP");

    private final boolean preserveHost;
    private final boolean allowUnderscores;

    /** @param preserveHost whether the client's {@code Host} is forwarded */
    public RequestHeaderCopier(boolean preserveHost) {
        this(preserveHost, false);
    }

    /**
     * @param preserveHost     whether the client's {@code Host} is forwarded
     * @param allowUnderscores whether header names containing {@code _} are forwarded
     */
    public RequestHeaderCopier(boolean preserveHost, boolean allowUnderscores) {
        this.preserveHost = preserveHost;
        this.allowUnderscores = allowUnderscores;
    }

    /**
     * @param from the client request
     * @param to   the upstream request, which has no headers yet
     * @return the number of header lines the client sent (every value of every name), for the header limit
     */
    public int copy(HttpServletRequest from, HttpRequest to) {
        Set<String> listed = HopByHop.connectionListed(from.getHeaders("Connection"));
        Enumeration<String> names = from.getHeaderNames();
        int lines = 0;
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            boolean forward = !HopByHop.isHopByHop(name) && !listed.contains(name) && !isReplacedByProxy(name)
                    && (allowUnderscores || name.indexOf('_') < 0);
            boolean trailers = false;
            Enumeration<String> values = from.getHeaders(name);
            while (values.hasMoreElements()) {
                String value = values.nextElement();
                lines++;
                if (forward) {
                    to.addHeader(name, value);
                } else if ("TE".equalsIgnoreCase(name)) {
                    trailers |= acceptsTrailers(value);
                }
            }
            if (trailers) {
                // TE is hop-by-hop, so the hop that sends it names it in Connection (RFC 9110 10.1.4)
                to.addHeader("TE", "trailers");
                to.addHeader("Connection", "TE");
            }
            if (!forward && !allowUnderscores && name.indexOf('_') >= 0) {
                LOG.debug("request header '{}' not forwarded: its name contains '_' (allowUnderscoreHeaders)", name);
            }
        }
        return lines;
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

    private static boolean acceptsTrailers(String value) {
        for (String token : value.split(",")) {
            String t = token.trim().toLowerCase(Locale.ROOT);
            if (t.equals("trailers") || t.startsWith("trailers;")) {
                return true;
            }
        }
        return false;
    }
}
