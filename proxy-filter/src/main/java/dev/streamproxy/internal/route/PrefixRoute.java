package dev.streamproxy.internal.route;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Decides whether a request belongs to the proxy, on the raw request URI, so that the path the filter routes on is
 * exactly the path it forwards.
 */
public final class PrefixRoute {

    /**
     * Returned by {@link #match} when the container's decoded path falls under the prefix but the raw path does
     * not (an encoded prefix such as {@code /%61pi}): the filter answers 400 rather than guess.
     */
    public static final String AMBIGUOUS = new String("<ambiguous>");

    private final String prefix;

    /** @param prefix the normalised prefix: empty, or {@code /a/b} without a trailing slash */
    public PrefixRoute(String prefix) {
        this.prefix = prefix;
    }

    /**
     * @param request the request
     * @return the raw path after context path and prefix ({@code ""} or starting with {@code /}), {@link #AMBIGUOUS},
     *         or null when the request is not for the proxy
     */
    public String match(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        if (uri == null) {
            return null;
        }
        String rest = null;
        if (context == null || context.isEmpty()) {
            rest = strip(uri);
        } else if (uri.startsWith(context)) {
            rest = strip(uri.substring(context.length()));
        }
        if (rest != null) {
            return rest;
        }
        return decodedPathMatches(request) ? AMBIGUOUS : null;
    }

    private String strip(String pathInContext) {
        if (!pathInContext.isEmpty() && pathInContext.charAt(0) != '/') {
            // "/ctx;jsessionid=1/x": a path parameter on the context path leaves a rest that could be read two ways
            return pathInContext.charAt(0) == ';' ? AMBIGUOUS : null;
        }
        if (prefix.isEmpty()) {
            return pathInContext;
        }
        if (!pathInContext.startsWith(prefix)) {
            return null;
        }
        if (pathInContext.length() == prefix.length()) {
            return "";
        }
        char next = pathInContext.charAt(prefix.length());
        if (next == '/') {
            return pathInContext.substring(prefix.length());
        }
        // "/api;jsessionid=1/x": a path parameter on the prefix's last segment is ambiguous, never a guess
        return next == ';' ? AMBIGUOUS : null;
    }

    private boolean decodedPathMatches(HttpServletRequest request) {
        if (prefix.isEmpty()) {
            return false;
        }
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String decoded = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return decoded.equals(prefix) || decoded.startsWith(prefix + "/");
    }
}
