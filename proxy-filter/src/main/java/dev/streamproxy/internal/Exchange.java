package dev.streamproxy.internal;

import dev.streamproxy.internal.body.CopyBuffer;
import dev.streamproxy.internal.body.RequestBodies;
import dev.streamproxy.internal.body.StreamingRequestEntity;
import dev.streamproxy.internal.client.PoolTimeoutException;
import dev.streamproxy.internal.client.UpstreamLink;
import dev.streamproxy.internal.client.UpstreamResponse;
import dev.streamproxy.internal.error.ClientGoneException;
import dev.streamproxy.internal.error.ErrorResponses;
import dev.streamproxy.internal.error.ExchangeAbortedException;
import dev.streamproxy.internal.error.UpstreamFailure;
import dev.streamproxy.internal.observe.ExchangeRecord;
import dev.streamproxy.internal.upstream.FailedTry;
import dev.streamproxy.internal.upstream.RetryPolicy;
import dev.streamproxy.internal.upstream.Target;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;

import java.io.IOException;

import static dev.streamproxy.internal.ProxyHandler.LOG;

/**
 * One proxied exchange, as a script of named steps: check the request, build the upstream request, attach the
 * streamed body, then a loop of tries (choose a target, send, and on a failure decide whether the exchange may be
 * tried again elsewhere), then relay the head and stream the body back. Every failure ends in {@link #onFailure}: a
 * status code before the response is committed, an aborted client connection after.
 */
final class Exchange {

    private final ProxyHandler route;
    private final ExchangeRecord record;
    private final String id;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final String rest;
    private final BasicClassicHttpRequest upstream;
    private final UpstreamLink link = new UpstreamLink();
    private final Attempts tries;
    private final boolean upgrade;
    private Target target;
    private UpstreamResponse answer;

    Exchange(ProxyHandler route, ExchangeRecord record, HttpServletRequest request, HttpServletResponse response,
             String rest) {
        this.route = route;
        this.record = record;
        this.id = record.requestId();
        this.request = request;
        this.response = response;
        this.rest = rest;
        this.upstream = new BasicClassicHttpRequest(request.getMethod(), (String) null);
        this.upgrade = route.upgrades.isTunnelled(request);
        this.tries = new Attempts(route, id, request.getMethod(), request.getRequestURI());
    }

    void run() throws IOException {
        if (!RequestPreparation.prepare(route, record, request, response, rest, upgrade, upstream)) {
            route.ended(record);
            return;
        }
        CopyBuffer buffer = new CopyBuffer(request.getContentLengthLong());
        route.retryBudget.exchangeStarted();
        ExchangeRecord.Outcome outcome = ExchangeRecord.Outcome.OK;
        try {
            attachBody(buffer.bytes());
            answer = sendUntilAnswered();
            if (upgrade && answer.code() == 101) {
                switchProtocols();
                return;
            }
            relayHead();
            commitHeadIfTheBodyWaits();
            relayBody(buffer);
            if (answer.uploading()) {
                completeWhileUploading();
            }
        } catch (IOException | RuntimeException e) {
            // discard, never drain: the connection goes away with whatever is left of the exchange
            link.abort();
            if (answer != null) {
                answer.abort();
            }
            outcome = ExchangeRecord.Outcome.UPSTREAM_ERROR; // if onFailure throws: aborted after the start
            outcome = onFailure(rootCause(e));
        } finally {
            if (answer != null) {
                answer.close(); // with a body still going up beside it, only once that has ended too
            }
            if (link.uploading()) {
                completeWhileUploading(); // a failure's answer reaches the client before the copy is ended
                link.endUpload();
            }
            record.end(response.getStatus(), outcome, bytesRead());
            route.ended(record);
            if (target != null) {
                route.upstreams.targets().finish(target);
            }
            if (upstream.getEntity() instanceof StreamingRequestEntity body) {
                body.release();
            }
            tries.releaseRetrySlot();
            route.retryBudget.exchangeEnded();
            if (!link.uploading()) {
                buffer.close(); // else a copy the filter's stop left running still holds it: not for the pool
            }
        }
    }

    /** The body streams as it arrives; an idempotent request keeps a replay window, so a failure can be retried. */
    private void attachBody(byte[] buffer) throws IOException {
        int window = route.config.maxRetries() > 0 && RetryPolicy.isIdempotent(request.getMethod())
                ? route.config.retryBufferSize() : 0;
        RequestBodies.attach(request, upstream, buffer, route.config.maxRequestBodySize(), link, window);
    }

    /** The loop of tries: each on a target chosen by the policy, again only when {@link RetryPolicy} allows. */
    private UpstreamResponse sendUntilAnswered() throws IOException {
        while (true) {
            Target t = tries.next();
            target = t;
            if (!route.config.preserveHost() || !upstream.containsHeader("Host")) {
                upstream.setHeader("Host", t.configured().authority());
            }
            record.tryStarted(address(t));
            UpstreamResponse r;
            try {
                r = upgrade ? route.upstreams.client().sendUpgrade(t.endpoint(), upstream)
                        : route.upstreams.client().send(t.endpoint(), upstream, link);
            } catch (IOException e) {
                tries.releaseRetrySlot();
                StreamingRequestEntity body = streamedBody();
                if (body != null && body.canReplay() && link.uploading()) {
                    link.awaitUploadEnd(); // the next try reads the client's body on from where this copy stops
                }
                FailedTry failed = FailedTry.of(e, body != null && body.clientFailed(), expectsContinue(),
                        body != null && body.isStarted());
                t.record(failed.health(), System.currentTimeMillis());
                endTry(t, e.getMessage(), failed.reachedUpstream());
                if (!tries.mayRetry(failed, e instanceof PoolTimeoutException, bodyReplayable(), t, e.getMessage())) {
                    throw e;
                }
                continue;
            }
            tries.releaseRetrySlot();
            t.record(Target.Outcome.RESPONDED, System.currentTimeMillis());
            record.responseHead();
            if (route.retryPolicy.retriesStatus(r.code())
                    && tries.mayRetry(Attempts.RETRY_STATUS, false, bodyReplayable(), t, "answered " + r.code())) {
                r.abort();
                endTry(t, "answered " + r.code(), true);
                continue;
            }
            return r;
        }
    }

    static String address(Target t) {
        java.net.InetAddress a = t.endpoint().address();
        String host = a == null ? t.endpoint().hostName() : a.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + t.endpoint().port();
    }

    private long bytesRead() {
        HttpEntity entity = upstream.getEntity();
        if (entity instanceof StreamingRequestEntity body) {
            return body.bytesRead();
        }
        return entity == null ? 0 : Math.max(0, entity.getContentLength());
    }

    private void endTry(Target t, String cause, boolean reachedUpstream) {
        tries.ended(t, cause, reachedUpstream);
        target = null;
    }

    private boolean bodyReplayable() {
        HttpEntity entity = upstream.getEntity();
        return entity == null || entity.isRepeatable()
                || (entity instanceof StreamingRequestEntity body && body.canReplay());
    }

    private StreamingRequestEntity streamedBody() {
        return upstream.getEntity() instanceof StreamingRequestEntity s ? s : null;
    }

    private boolean expectsContinue() {
        Header expect = upstream.getFirstHeader("Expect");
        return expect != null && "100-continue".equalsIgnoreCase(expect.getValue().trim());
    }

    /**
     * The upstream agreed to switch: the client gets its {@code 101} and both connections become one tunnel. The
     * upstream's connection is taken from the exchange, and the client's comes from the container through
     * {@link dev.streamproxy.internal.tunnel.TunnelHandler}.
     */
    private void switchProtocols() throws IOException {
        String protocol = TunnelSwitch.upgradeOf(answer);
        TunnelSwitch.respond(route, record, request, response, answer, target.configured(), protocol);
        TunnelSwitch.start(route, request, "[" + route.name + "] " + id, answer.takeConnection());
        record.end(101, ExchangeRecord.Outcome.OK, 0);
    }

    private void relayHead() {
        ResponseRelay.head(route, record, request, response, answer, target.configured());
    }

    private void commitHeadIfTheBodyWaits() throws ClientGoneException {
        ResponseRelay.commitHeadIfTheBodyWaits(request, response, answer);
    }

    /**
     * While the request body still goes up, the client's response is completed now, so the client has the whole
     * answer (its terminator included) while this thread waits for the upload to end.
     */
    private void completeWhileUploading() {
        try {
            response.getOutputStream().close();
        } catch (IOException | IllegalStateException e) {
            // the client is gone: the copy of its body ends with it
        }
    }

    /**
     * The answer's body through the exchange's buffer, or, while the request body still goes up through that one,
     * through a buffer of its own: the two directions never share an array.
     */
    private void relayBody(CopyBuffer buffer) throws IOException {
        if (!answer.uploading()) {
            buffer.fitTo(answer.contentLength());
            ResponseRelay.body(request, response, answer, buffer, record);
            return;
        }
        try (CopyBuffer own = new CopyBuffer(answer.contentLength())) {
            ResponseRelay.body(request, response, answer, own, record);
        }
    }

    private ExchangeRecord.Outcome onFailure(Throwable failure) throws ExchangeAbortedException {
        UpstreamFailure kind = UpstreamFailure.classify(failure);
        boolean answered = ErrorResponses.send(response, kind, route.requestIdHeader, id);
        ExchangeRecord.Outcome outcome = FailureAnswer.log(route, id, request.getMethod(), request.getRequestURI(),
                kind, answered || kind == UpstreamFailure.CLIENT_GONE, tries.describe(failure), failure);
        if (answered || kind == UpstreamFailure.CLIENT_GONE) {
            return outcome;
        }
        throw new ExchangeAbortedException("[" + route.name + "] " + id
                + " upstream failed mid-response; connection aborted");
    }

    /** The body's own failure (client gone, over the limit) when it is what aborted the exchange. */
    private Throwable rootCause(Throwable thrown) {
        if (upstream.getEntity() instanceof StreamingRequestEntity body && body.failure() != null
                && body.clientFailed()) {
            return body.failure();
        }
        return thrown;
    }
}
