package dev.streamproxy.internal.header;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;

/**
 * Copies the upstream's response headers to the client response.
 *
 * <p>Dropped: hop-by-hop headers and the headers the upstream's own {@code Connection} names, and
 * {@code Content-Length}, which the exchange sets from the entity's real framing (an upstream that sends both
 * {@code Content-Length} and chunked encoding must not hand the client a length the body will not match). The
 * first value of each name replaces whatever the container put there ({@code Date}, {@code Server}); further values
 * are added, so several {@code Set-Cookie} keep every value in order.
 */
public final class ResponseHeaderCopier {

    private final RedirectRewriter redirects;

    /** @param redirects the rewriter for {@code Location}/{@code Content-Location}, or null to pass them through */
    public ResponseHeaderCopier(RedirectRewriter redirects) {
        this.redirects = redirects;
    }

    /**
     * @param from    the upstream response
     * @param request the client request (for redirect rewriting)
     * @param to      the client response, not yet committed
     */
    public void copy(HttpResponse from, HttpServletRequest request, HttpServletResponse to) {
        Header[] headers = from.getHeaders();
        Set<String> listed = from.containsHeader("Connection")
                ? HopByHop.connectionListed(valuesOf(headers, "Connection"))
                : Set.of();
        for (int i = 0; i < headers.length; i++) {
            String name = headers[i].getName();
            if (HopByHop.isHopByHop(name) || listed.contains(name) || "Content-Length".equalsIgnoreCase(name)) {
                continue;
            }
            String value = headers[i].getValue();
            if (value == null) {
                value = "";
            }
            if (redirects != null
                    && ("Location".equalsIgnoreCase(name) || "Content-Location".equalsIgnoreCase(name))) {
                value = redirects.rewrite(value, request);
            }
            if (seenBefore(headers, i)) {
                to.addHeader(name, value);
            } else {
                to.setHeader(name, value);
            }
        }
    }

    private static boolean seenBefore(Header[] headers, int index) {
        String name = headers[index].getName();
        for (int j = 0; j < index; j++) {
            if (headers[j].getName().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static Iterator<String> valuesOf(Header[] headers, String name) {
        return Arrays.stream(headers).filter(h -> h.getName().equalsIgnoreCase(name)).map(Header::getValue).iterator();
    }
}
