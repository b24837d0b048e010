package dev.streamproxy.internal;

import dev.streamproxy.internal.error.ErrorResponses;
import dev.streamproxy.internal.observe.ExchangeRecord;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;

import static dev.streamproxy.internal.ProxyHandler.LOG;

/**
 * The first steps of every exchange, blocking or not: refuse what must never be forwarded, then build the upstream
 * request. A refusal is answered here, before any upstream is contacted.
 */
final class RequestPreparation {

    private RequestPreparation() {
    }

    /**
     * @param upgrade  the request asks for a tunnel
     * @param upstream the request to fill: the base path joined to the raw rest and query, the client's headers as
     *                 the header policy allows, the forwarding headers and the request id ({@code Host} is the
     *                 target's, set per try)
     * @return false when the request was refused and answered (400, 405, 431, 501)
     */
    static boolean prepare(ProxyHandler route, ExchangeRecord record, HttpServletRequest request,
                           HttpServletResponse response, String rest, boolean upgrade,
                           BasicClassicHttpRequest upstream) {
        return check(route, record, request, response, rest, upgrade) && build(route, record, request, response, rest,
                upgrade, upstream);
    }

    /** Refuses what must never be forwarded; see {@link RequestChecks}. */
    private static boolean check(ProxyHandler route, ExchangeRecord record, HttpServletRequest request,
                                 HttpServletResponse response, String rest, boolean upgrade) {
        RequestChecks.Refusal refusal = upgrade && !"HTTP/1.1".equals(request.getProtocol())
                ? RequestChecks.UPGRADE_OVER_HTTP2 : RequestChecks.check(request, rest);
        if (refusal == null) {
            return true;
        }
        if (refusal.reason() != null) {
            LOG.info("[{}] {} {} {} -> {}: {}", route.name, record.requestId(), request.getMethod(),
                    request.getRequestURI(), refusal.status(), refusal.reason());
        }
        refuse(route, record, response, refusal.status(), refusal.body());
        return false;
    }

    /** The proxy's own refusal, before any upstream was contacted. */
    private static void refuse(ProxyHandler route, ExchangeRecord record, HttpServletResponse response, int status,
                               String body) {
        ErrorResponses.send(response, status, body, route.requestIdHeader, record.requestId());
        record.end(status, ExchangeRecord.Outcome.REFUSED, 0);
    }

    /** More header lines than {@code maxRequestHeaders} get 431 and nothing is sent. */
    private static boolean build(ProxyHandler route, ExchangeRecord record, HttpServletRequest request,
                                 HttpServletResponse response, String rest, boolean upgrade,
                                 BasicClassicHttpRequest upstream) {
        String id = record.requestId();
        // the base path is the same for every target; setPath keeps the raw string: nothing decoded, re-encoded
        upstream.setPath(route.upstreams.targets().all().get(0).configured()
                .requestTarget(rest, request.getQueryString()));
        int lines = route.requestHeaders.copy(request, upstream);
        if (lines > route.config.maxRequestHeaders()) {
            LOG.info("[{}] {} {} {} -> 431: {} header lines, more than maxRequestHeaders={}", route.name, id,
                    request.getMethod(), request.getRequestURI(), lines, route.config.maxRequestHeaders());
            refuse(route, record, response, 431, "431 Request Header Fields Too Large\n");
            return false;
        }
        route.forwardedHeaders.write(request, upstream);
        if (route.requestIdHeader != null) {
            // setHeader would replace only the first: a client's second and later values must go too
            upstream.removeHeaders(route.requestIdHeader);
            upstream.addHeader(route.requestIdHeader, id);
        }
        if (upgrade) {
            // hop-by-hop, so dropped with the client's other connection headers: asked for again on this hop
            upstream.setHeader("Connection", "Upgrade");
            upstream.setHeader("Upgrade", request.getHeader("Upgrade"));
        }
        return true;
    }
}
