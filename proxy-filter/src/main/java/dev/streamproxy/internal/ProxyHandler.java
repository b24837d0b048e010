package dev.streamproxy.internal;

import dev.streamproxy.ProxyConfig;
import dev.streamproxy.internal.body.BufferPool;
import dev.streamproxy.internal.body.RequestBodies;
import dev.streamproxy.internal.body.ResponseBodyStreamer;
import dev.streamproxy.internal.body.StreamingRequestEntity;
import dev.streamproxy.internal.client.UpstreamClient;
import dev.streamproxy.internal.client.UpstreamIOException;
import dev.streamproxy.internal.client.UpstreamLink;
import dev.streamproxy.internal.client.UpstreamResponse;
import dev.streamproxy.internal.error.ClientGoneException;
import dev.streamproxy.internal.error.ErrorResponses;
import dev.streamproxy.internal.error.ExchangeAbortedException;
import dev.streamproxy.internal.error.UpstreamFailure;
import dev.streamproxy.internal.header.ForwardedHeadersWriter;
import dev.streamproxy.internal.header.RedirectRewriter;
import dev.streamproxy.internal.header.RequestHeaderCopier;
import dev.streamproxy.internal.header.ResponseHeaderCopier;
import dev.streamproxy.internal.header.TrustedProxies;
import dev.streamproxy.internal.route.PathSafety;
import dev.streamproxy.internal.route.PrefixRoute;
import dev.streamproxy.internal.route.TargetSelector;
import dev.streamproxy.internal.route.UpstreamTarget;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One proxied exchange, as a script of named steps: check the request, choose the target, build the upstream
 * request, copy headers, add forwarding headers, attach the streamed body, send, copy status and headers, stream the
 * body back, release. Every failure ends in {@link #onFailure}: a status code before the response is committed, an
 * aborted client connection after.
 *
 * <p>Every log line starts with the filter name and a request id ({@code [api] #42}); header values are never
 * logged, so {@code Authorization} and {@code Cookie} cannot leak into logs.
 */
public final class ProxyHandler {

    private static final Logger LOG = LoggerFactory.getLogger("dev.streamproxy.ProxyFilter");
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");

    private final String name;
    private final String prefix;
    private final boolean rewriteRedirects;
    private final long maxRequestBodySize;
    private final int maxRequestHeaders;
    private final UpstreamClient client;
    private final TargetSelector targets;
    private final RequestHeaderCopier requestHeaders;
    private final ForwardedHeadersWriter forwardedHeaders;
    private final Map<UpstreamTarget, ResponseHeaderCopier> responseHeaders = new ConcurrentHashMap<>();
    private final Function<UpstreamTarget, ResponseHeaderCopier> newResponseHeaders = this::newResponseHeaderCopier;
    private final AtomicLong ids = new AtomicLong();

    /**
     * @param name   the filter's name, for log lines
     * @param config the validated config
     * @param client the pooled client this filter owns
     */
    public ProxyHandler(String name, ProxyConfig config, UpstreamClient client) {
        this.name = name;
        this.prefix = config.prefix();
        this.rewriteRedirects = config.rewriteRedirects();
        this.maxRequestBodySize = config.maxRequestBodySize();
        this.maxRequestHeaders = config.maxRequestHeaders();
        this.client = client;
        this.targets = TargetSelector.single(new UpstreamTarget(config.targetUri()));
        this.requestHeaders = new RequestHeaderCopier(config.preserveHost(), config.allowUnderscoreHeaders());
        this.forwardedHeaders = new ForwardedHeadersWriter(config.forwardedHeaders(), config.prefix(),
                TrustedProxies.parse(String.join(",", config.trustedProxies())));
    }

    /**
     * Proxies one request that the route matched.
     *
     * @param request  the client request
     * @param response the client response
     * @param rest     the raw path after context path and prefix, or {@link PrefixRoute#AMBIGUOUS}
     * @throws ExchangeAbortedException only when the upstream failed after the response was committed, so the
     *                                  container closes the client connection instead of completing the response
     */
    public void proxy(HttpServletRequest request, HttpServletResponse response, String rest) throws IOException {
        long id = ids.incrementAndGet();
        if (!checkRequest(id, request, response, rest)) {
            return;
        }
        UpstreamTarget target = targets.select(request);
        BasicClassicHttpRequest upstream = new BasicClassicHttpRequest(request.getMethod(), (String) null);
        if (!buildRequest(id, request, response, target, rest, upstream)) {
            return;
        }
        UpstreamLink link = new UpstreamLink();
        byte[] buffer = BufferPool.acquire();
        UpstreamResponse answer = null;
        try {
            RequestBodies.attach(request, upstream, buffer, maxRequestBodySize, link);
            answer = send(id, request, target, upstream, link);
            copyResponseHead(request, response, target, upstream, answer);
            commitHeadIfTheBodyWaits(request, response, answer);
            streamResponseBody(request, response, answer, buffer);
        } catch (IOException | RuntimeException e) {
            // discard, never drain: the connection goes away with whatever is left of the exchange
            link.abort();
            if (answer != null) {
                answer.abort();
            }
            onFailure(id, request, response, rootCause(upstream, e));
        } finally {
            if (answer != null) {
                answer.close();
            }
            BufferPool.release(buffer);
        }
    }

    /**
     * Refuses what must never be forwarded, the same in every container: ambiguous paths (400), TRACE and CONNECT
     * (405), a request {@code Transfer-Encoding} other than exactly {@code chunked} (501: no other coding can be
     * framed the same way on both sides, the classic request-smuggling disagreement).
     */
    private boolean checkRequest(long id, HttpServletRequest request, HttpServletResponse response, String rest) {
        String method = request.getMethod();
        if ("TRACE".equals(method) || "CONNECT".equals(method)) {
            ErrorResponses.send(response, 405, "405 Method Not Allowed\n");
            return false;
        }
        if (!isChunkedOrAbsent(request)) {
            LOG.info("[{}] #{} {} {} -> 501: request Transfer-Encoding other than chunked refused", name, id, method,
                    request.getRequestURI());
            ErrorResponses.send(response, 501, "501 Not Implemented: only Transfer-Encoding: chunked is supported\n");
            return false;
        }
        if (rest == PrefixRoute.AMBIGUOUS || !PathSafety.isSafe(rest)
                || !PathSafety.isSafeQuery(request.getQueryString())) {
            LOG.info("[{}] #{} {} {} -> 400: ambiguous path refused", name, id, method, request.getRequestURI());
            ErrorResponses.send(response, 400, "400 Bad Request: ambiguous path\n");
            return false;
        }
        return true;
    }

    private static boolean isChunkedOrAbsent(HttpServletRequest request) {
        java.util.Enumeration<String> codings = request.getHeaders("Transfer-Encoding");
        if (codings == null || !codings.hasMoreElements()) {
            return true;
        }
        String first = codings.nextElement();
        return first != null && "chunked".equalsIgnoreCase(first.trim()) && !codings.hasMoreElements();
    }

    /**
     * The upstream request: same method, the target's base path joined to the raw rest and raw query, the client's
     * headers as the header policy allows, {@code Host}, and the forwarding headers. More header lines than
     * {@code maxRequestHeaders} get 431 and nothing is sent.
     */
    private boolean buildRequest(long id, HttpServletRequest request, HttpServletResponse response,
                                 UpstreamTarget target, String rest, BasicClassicHttpRequest upstream) {
        // setPath keeps the raw string: nothing is decoded and re-encoded on the way
        upstream.setPath(target.requestTarget(rest, request.getQueryString()));
        int lines = requestHeaders.copy(request, upstream);
        if (lines > maxRequestHeaders) {
            LOG.info("[{}] #{} {} {} -> 431: {} header lines, more than maxRequestHeaders={}", name, id,
                    request.getMethod(), request.getRequestURI(), lines, maxRequestHeaders);
            ErrorResponses.send(response, 431, "431 Request Header Fields Too Large\n");
            return false;
        }
        if (!upstream.containsHeader("Host")) {
            upstream.setHeader("Host", target.authority());
        }
        forwardedHeaders.write(request, upstream);
        return true;
    }

    /**
     * Sends the status line and headers to the client now when the body has not started to arrive: a token stream
     * whose first token is seconds away (an inference server's prefill) shows its status at once, and a client with
     * a header timeout keeps waiting. When body bytes are already there, the body's first write carries the head,
     * so a bulk download pays no extra flush.
     */
    private static void commitHeadIfTheBodyWaits(HttpServletRequest request, HttpServletResponse response,
                                                 UpstreamResponse answer) throws ClientGoneException {
        if (answer.body() == null || answer.contentLength() == 0 || "HEAD".equals(request.getMethod())
                || answer.bodyReady()) {
            return;
        }
        try {
            response.flushBuffer();
        } catch (IOException e) {
            throw new ClientGoneException("client response head failed: " + e, e);
        }
    }

    /**
     * Sends the request; once more on a fresh connection when a pooled one turns out to have been closed by the
     * upstream as the request went out (the keep-alive race), for an idempotent request whose body, if any, has not
     * been read from the client yet.
     */
    private UpstreamResponse send(long id, HttpServletRequest request, UpstreamTarget target,
                                  ClassicHttpRequest upstream, UpstreamLink link) throws IOException {
        try {
            return client.send(target.endpoint(), upstream, link);
        } catch (UpstreamIOException e) {
            if (!(e.reusedConnection() && e.closedWithoutResponse() && canReplay(upstream))) {
                throw e;
            }
            LOG.debug("[{}] #{} {} {}: pooled connection closed by the upstream, sending again: {}", name, id,
                    request.getMethod(), request.getRequestURI(), e.getMessage());
            return client.send(target.endpoint(), upstream, link);
        }
    }

    private static boolean canReplay(ClassicHttpRequest upstream) {
        HttpEntity entity = upstream.getEntity();
        return IDEMPOTENT.contains(upstream.getMethod())
                && (entity == null || entity.isRepeatable()
                    || (entity instanceof StreamingRequestEntity body && !body.isStarted()));
    }

    private void copyResponseHead(HttpServletRequest request, HttpServletResponse response, UpstreamTarget target,
                                  ClassicHttpRequest upstream, UpstreamResponse answer) {
        ClassicHttpResponse head = answer.head();
        response.setStatus(head.getCode());
        responseHeaders.computeIfAbsent(target, newResponseHeaders).copy(head, request, response);
        HttpEntity entity = head.getEntity();
        if (entity != null && entity.getContentLength() >= 0) {
            response.setContentLengthLong(entity.getContentLength());
        } else if (entity == null && (head.getCode() == 304 || "HEAD".equals(request.getMethod()))) {
            // HEAD and 304 describe a body they do not carry: their Content-Length is passed through as sent.
            // A 204 (or 1xx) must not have one at all (RFC 9110 8.6), so an upstream's is dropped.
            Header length = head.getFirstHeader("Content-Length");
            if (length != null) {
                response.setHeader("Content-Length", length.getValue());
            }
        }
        if (upstream.getEntity() instanceof StreamingRequestEntity body && !body.isComplete()) {
            // the upstream answered before it had the whole body, which is left unread: end the client's
            // connection after this answer instead of letting the container read the rest of an upload
            response.setHeader("Connection", "close");
        }
    }

    private static void streamResponseBody(HttpServletRequest request, HttpServletResponse response,
                                           UpstreamResponse answer, byte[] buffer) throws IOException {
        if (answer.body() == null || "HEAD".equals(request.getMethod())) {
            return;
        }
        ResponseBodyStreamer.copy(answer.body(), responseStream(response), buffer);
    }

    private static java.io.OutputStream responseStream(HttpServletResponse response) throws ClientGoneException {
        try {
            return response.getOutputStream();
        } catch (IOException e) {
            throw new ClientGoneException("client response unavailable: " + e, e);
        }
    }

    private void onFailure(long id, HttpServletRequest request, HttpServletResponse response, Throwable failure)
            throws ExchangeAbortedException {
        UpstreamFailure kind = UpstreamFailure.classify(failure);
        if (kind == UpstreamFailure.CLIENT_GONE) {
            LOG.debug("[{}] #{} {} {}: client went away, upstream exchange aborted: {}", name, id,
                    request.getMethod(), request.getRequestURI(), failure.getMessage());
            ErrorResponses.send(response, kind);
            return;
        }
        boolean answered = ErrorResponses.send(response, kind);
        String cause = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        if (answered) {
            if (kind == UpstreamFailure.TOO_LARGE) {
                LOG.info("[{}] #{} {} {} -> 413: {}", name, id, request.getMethod(), request.getRequestURI(), cause);
            } else {
                LOG.warn("[{}] #{} {} {} -> {}: {}", name, id, request.getMethod(), request.getRequestURI(),
                        kind.status(), cause);
            }
            return;
        }
        LOG.warn("[{}] #{} {} {}: upstream failed after the response started, aborting the client connection: {}",
                name, id, request.getMethod(), request.getRequestURI(), cause);
        throw new ExchangeAbortedException("[" + name + "] #" + id + " upstream failed mid-response; connection aborted");
    }

    /** The body's own failure (client gone, over the limit) when it is what aborted the exchange. */
    private static Throwable rootCause(ClassicHttpRequest upstream, Throwable thrown) {
        if (upstream.getEntity() instanceof StreamingRequestEntity body && body.failure() != null) {
            return body.failure();
        }
        return thrown;
    }

    private ResponseHeaderCopier newResponseHeaderCopier(UpstreamTarget target) {
        return new ResponseHeaderCopier(rewriteRedirects ? new RedirectRewriter(target, prefix) : null);
    }
}
