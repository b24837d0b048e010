package dev.streamproxy.internal;

import dev.streamproxy.internal.route.PathSafety;
import dev.streamproxy.internal.route.PrefixRoute;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Enumeration;

/**
 * What the proxy refuses before any upstream is contacted, the same in every container whatever the container let
 * through: TRACE and CONNECT (405), a request {@code Transfer-Encoding} other than exactly {@code chunked} (501: no
 * other coding is framed the same way on both sides, the classic request-smuggling disagreement), and an ambiguous
 * path (400: one whose meaning depends on who decodes it). The header-line limit (431) is checked while the headers
 * are copied.
 */
final class RequestChecks {

    /**
     * A refusal: what the client gets, and a log reason (null when not worth an INFO line).
     *
     * @param status the status
     * @param body   the short body
     * @param reason the log line's reason, or null
     */
    record Refusal(int status, String body, String reason) {
    }

    /** An upgrade asked over HTTP/2 (or 1.0): the connection cannot switch protocols, so it is refused cleanly. */
    static final Refusal UPGRADE_OVER_HTTP2 = new Refusal(400,
            "400 Bad Request: Upgrade is possible over HTTP/1.1 only\n", "Upgrade over a protocol other than HTTP/1.1");
    private static final Refusal METHOD = new Refusal(405, "405 Method Not Allowed\n", null);
    private static final Refusal CODING = new Refusal(501,
            "501 Not Implemented: only Transfer-Encoding: chunked is supported\n",
            "request Transfer-Encoding other than chunked refused");
    private static final Refusal PATH = new Refusal(400, "400 Bad Request: ambiguous path\n",
            "ambiguous path refused");

    private RequestChecks() {
    }

    /**
     * @param request the client request
     * @param rest    the raw path after context and prefix, or {@link PrefixRoute#AMBIGUOUS}
     * @return the refusal, or null when the request may be forwarded
     */
    static Refusal check(HttpServletRequest request, String rest) {
        String method = request.getMethod();
        if ("TRACE".equals(method) || "CONNECT".equals(method)) {
            return METHOD;
        }
        if (!isChunkedOrAbsent(request.getHeaders("Transfer-Encoding"))) {
            return CODING;
        }
        if (rest == PrefixRoute.AMBIGUOUS || !PathSafety.isSafe(rest)
                || !PathSafety.isSafeQuery(request.getQueryString())) {
            return PATH;
        }
        return null;
    }

    private static boolean isChunkedOrAbsent(Enumeration<String> codings) {
        if (codings == null || !codings.hasMoreElements()) {
            return true;
        }
        String first = codings.nextElement();
        return first != null && "chunked".equalsIgnoreCase(first.trim()) && !codings.hasMoreElements();
    }
}
