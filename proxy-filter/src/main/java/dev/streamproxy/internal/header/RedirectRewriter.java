package dev.streamproxy.internal.header;

import dev.streamproxy.internal.route.UpstreamTarget;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Rewrites a {@code Location} or {@code Content-Location} that points into the target so the client follows it
 * through the proxy. Redirects are passed through, never followed; this only changes where they point.
 *
 * <p>{@code http://target:port/svc/x?y} becomes {@code <client scheme>://<client Host>/ctx/prefix/x?y}, and the
 * absolute path {@code /svc/x} becomes {@code /ctx/prefix/x}. Anything else (another host, a path outside the base
 * path, a relative reference) is left exactly as the upstream sent it.
 */
public final class RedirectRewriter {

    private final UpstreamTarget target;
    private final String routePrefix;
    private final String base;

    /**
     * @param target      the upstream the response came from
     * @param routePrefix the filter's prefix
     */
    public RedirectRewriter(UpstreamTarget target, String routePrefix) {
        this.target = target;
        this.routePrefix = routePrefix;
        String b = target.basePath();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }

    /**
     * @param location the header value from the upstream
     * @param request  the client request, for the proxy's own scheme, host and context path
     * @return the rewritten value, or {@code location} itself when it does not point into the target
     */
    public String rewrite(String location, HttpServletRequest request) {
        if (location.startsWith("/") && !location.startsWith("//")) {
            String rest = underBase(location);
            return rest == null ? location : request.getContextPath() + routePrefix + rest;
        }
        boolean schemeRelative = location.startsWith("//");
        int schemeEnd = schemeRelative ? 0 : location.indexOf("://");
        if (!schemeRelative && schemeEnd <= 0) {
            return location;
        }
        // "//target:port/svc/x" inherits the client's scheme; it points at the target when its authority does
        String scheme = schemeRelative ? target.host().getSchemeName() : location.substring(0, schemeEnd);
        int authorityStart = schemeRelative ? 2 : schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < location.length() && "/?#".indexOf(location.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        if (!scheme.equalsIgnoreCase(target.host().getSchemeName())
                || !sameAuthority(location.substring(authorityStart, authorityEnd), scheme)) {
            return location;
        }
        String rest = underBase(location.substring(authorityEnd));
        if (rest == null) {
            return location;
        }
        String origin = schemeRelative ? "//" + clientHost(request) : request.getScheme() + "://" + clientHost(request);
        return origin + request.getContextPath() + routePrefix + rest;
    }

    /** The part of {@code pathAndMore} after the base path, or null when it lies outside the base path. */
    private String underBase(String pathAndMore) {
        if (base.isEmpty()) {
            return pathAndMore;
        }
        if (!pathAndMore.startsWith(base)) {
            return null;
        }
        if (pathAndMore.length() == base.length()) {
            return "";
        }
        char next = pathAndMore.charAt(base.length());
        return next == '/' || next == '?' || next == '#' ? pathAndMore.substring(base.length()) : null;
    }

    private boolean sameAuthority(String authority, String scheme) {
        if (authority.indexOf('@') >= 0) {
            return false;
        }
        String host = authority;
        int port = "https".equalsIgnoreCase(scheme) ? 443 : 80;
        int colon = authority.lastIndexOf(':');
        if (colon > authority.lastIndexOf(']')) {
            host = authority.substring(0, colon);
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        String targetHost = target.host().getHostName();
        if (host.startsWith("[") && host.endsWith("]") && !targetHost.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.equalsIgnoreCase(targetHost) && port == target.effectivePort();
    }

    private static String clientHost(HttpServletRequest request) {
        String host = request.getHeader("Host");
        if (host != null && !host.isEmpty()) {
            return host;
        }
        return request.getServerName() + ":" + request.getServerPort();
    }
}
