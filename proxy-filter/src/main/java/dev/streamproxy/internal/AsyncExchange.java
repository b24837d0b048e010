package dev.streamproxy.internal;

import dev.streamproxy.internal.async.AsyncClient;
import dev.streamproxy.internal.async.AsyncPool;
import dev.streamproxy.internal.async.ClientAbort;
import dev.streamproxy.internal.async.ClientReader;
import dev.streamproxy.internal.async.ClientWriter;
import dev.streamproxy.internal.async.ExchangeLock;
import dev.streamproxy.internal.async.UpstreamLeg;
import dev.streamproxy.internal.client.PoolTimeoutException;
import dev.streamproxy.internal.client.UpstreamIOException;
import dev.streamproxy.internal.error.ClientGoneException;
import dev.streamproxy.internal.error.ErrorResponses;
import dev.streamproxy.internal.error.UpstreamFailure;
import dev.streamproxy.internal.observe.ExchangeRecord;
import dev.streamproxy.internal.upstream.FailedTry;
import dev.streamproxy.internal.upstream.Target;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * One proxied exchange that holds no thread: the same script as the blocking {@link Exchange} (check, build, a
 * loop of tries, head, body, end), with each wait turned into a callback. The container's thread starts it and
 * returns; the tries run on the route's reactor thread, the client's writes on whichever thread has bytes or room
 * ({@link ClientWriter}). One lock serialises every step, so the exchange's state is only ever touched by one
 * thread at a time; what reaches beyond the exchange (the pool, the container's completion) runs once the lock is
 * free ({@link ExchangeLock#later}).
 *
 * <p>It carries requests without a body (GET, HEAD, DELETE, OPTIONS: an event stream's request), which is the
 * head node's workload; see {@link #eligible}.
 */
final class AsyncExchange implements UpstreamLeg.Steps, ClientWriter.Events, ClientReader.Events, AsyncClient.Watched,
        AsyncListener {

    private final ProxyHandler route;
    private final ExchangeRecord record;
    private final String id;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final String rest;
    private final Runnable leave;
    private final AsyncClient client;
    private final BasicClassicHttpRequest upstream;
    private final Attempts tries;
    private final ExchangeLock lock = new ExchangeLock();
    private AsyncContext async;
    private ClientWriter writer;
    /** The request body, or null when the request has none. */
    private ClientReader reader;
    private EntityDetails bodyDetails;
    private boolean cutShort;
    private boolean answered;
    private boolean completed;
    private Target target;
    private UpstreamLeg leg;
    private boolean headRelayed;
    private boolean ended;
    /** When the exchange started waiting for the upstream's next bytes ({@code nanoTime}); 0 while it is not. */
    private volatile long waitingSince;

    AsyncExchange(ProxyHandler route, ExchangeRecord record, HttpServletRequest request,
                  HttpServletResponse response, String rest, Runnable leave) {
        this.route = route;
        this.record = record;
        this.id = record.requestId();
        this.request = request;
        this.response = response;
        this.rest = rest;
        this.leave = leave;
        this.client = route.upstreams.async();
        this.upstream = new BasicClassicHttpRequest(request.getMethod(), (String) null);
        this.tries = new Attempts(route, id, request.getMethod(), request.getRequestURI());
    }

    /** An empty body the client declared ({@code Content-Length: 0} on a POST) is declared upstream too. */
    private void declareEmptyBody() {
        if (request.getContentLengthLong() == 0) {
            upstream.setHeader("Content-Length", "0");
        }
    }

    /**
     * @param limit {@code maxRequestBodySize}, or -1
     * @return true when the request should run without a thread: it asks for an event stream (the long wait a
     *         thread per exchange cannot afford; a bulk transfer is faster on the blocking exchange today), it asks
     *         for no upgrade, its body does not wait for {@code 100 Continue}, and it is not a form (which an
     *         earlier filter may have consumed) nor declared over the limit (both answered by the blocking
     *         exchange, which holds its thread only for that answer)
     */
    static boolean eligible(HttpServletRequest request, boolean upgrade, long limit) {
        if (upgrade || !asksForAnEventStream(request)) {
            return false;
        }
        String type = request.getContentType();
        boolean body = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        if (body && request.getHeader("Expect") != null) {
            return false; // Jetty sends its 100 at getInputStream(): not yet proven here, so the blocking exchange
        }
        boolean form = type != null
                && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
        return !body || !form && !(limit >= 0 && request.getContentLengthLong() > limit);
    }

    /** @return true when an {@code Accept} header names {@code text/event-stream}, as every SSE client sends */
    static boolean asksForAnEventStream(HttpServletRequest request) {
        var accepts = request.getHeaders("Accept");
        while (accepts != null && accepts.hasMoreElements()) {
            if (accepts.nextElement().toLowerCase(java.util.Locale.ROOT).contains("text/event-stream")) {
                return true;
            }
        }
        return false;
    }

    /** The container thread's part: check, build, go async, start the first try; then it returns. */
    void start() throws IOException {
        if (!RequestPreparation.prepare(route, record, request, response, rest, false, upstream)) {
            route.ended(record);
            leave.run();
            return;
        }
        declareEmptyBody();
        route.retryBudget.exchangeStarted();
        async = request.startAsync(request, response);
        async.setTimeout(0); // the proxy keeps its own timeouts: a stream may live for hours
        async.addListener(this);
        writer = new ClientWriter(lock, response.getOutputStream(), this);
        response.getOutputStream().setWriteListener(writer); // on the container's thread, as Tomcat asks
        attachBody();
        client.watch(this);
        nextTry();
    }

    /**
     * The body streams as the upstream takes it, framed as the client declared it ({@code Content-Length}, else
     * chunked); an idempotent request keeps a replay window, so a failed try can be sent again whole.
     */
    private void attachBody() throws IOException {
        long length = request.getContentLengthLong();
        if (length <= 0 && request.getHeader("Transfer-Encoding") == null) {
            return;
        }
        if (length > 0) {
            upstream.setHeader("Content-Length", Long.toString(length));
        } else {
            upstream.setHeader("Transfer-Encoding", "chunked");
        }
        bodyDetails = new org.apache.hc.core5.http.impl.BasicEntityDetails(length > 0 ? length : -1, null);
        int replay = route.config.maxRetries() > 0
                && dev.streamproxy.internal.upstream.RetryPolicy.isIdempotent(request.getMethod())
                ? route.config.retryBufferSize() : 0;
        reader = new ClientReader(lock, length, route.config.maxRequestBodySize(), replay, this);
        reader.start(request.getInputStream()); // on the container's thread, as Tomcat asks
    }

    private boolean expectsContinue() {
        String expect = request.getHeader("Expect");
        return expect != null && "100-continue".equalsIgnoreCase(expect.trim());
    }

    /** A try on the target the balancer picks, once its connection is leased. */
    private void nextTry() {
        Target t;
        lock.lock();
        try {
            if (ended) {
                return;
            }
            t = tries.next();
            target = t;
            if (!route.config.preserveHost() || !upstream.containsHeader("Host")) {
                upstream.setHeader("Host", t.configured().authority());
            }
            record.tryStarted(Exchange.address(t));
        } finally {
            lock.unlock();
        }
        client.lease(t.endpoint(), new AsyncPool.Leased() {
            @Override
            public void leased(AsyncPool.Lease lease) {
                onLeased(t, lease);
            }

            @Override
            public void failed(IOException failure) {
                onTryFailed(t, failure);
            }
        });
    }

    private void onLeased(Target t, AsyncPool.Lease lease) {
        lock.lock();
        try {
            if (ended) {
                lock.later(() -> client.discard(lease));
                return;
            }
            waitingSince = System.nanoTime();
            if (reader != null) {
                reader.rewind(); // a retry sends the body from its first byte
            }
            leg = UpstreamLeg.start(client, lease, upstream, reader, bodyDetails, this);
        } finally {
            lock.unlock();
        }
    }

    /** No head came: the try's failure decides whether another try goes, or the exchange ends with it. */
    private void onTryFailed(Target t, IOException e) {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            leg = null;
            waitingSince = 0;
            tries.releaseRetrySlot();
            FailedTry failed = FailedTry.of(e, reader != null && reader.failure() != null, expectsContinue(),
                    reader != null && reader.started());
            t.record(failed.health(), System.currentTimeMillis());
            tries.ended(t, e.getMessage(), failed.reachedUpstream());
            target = null;
            boolean replayable = reader == null || reader.canReplay();
            if (tries.mayRetry(failed, e instanceof PoolTimeoutException, replayable, t, e.getMessage())) {
                lock.later(this::nextTry);
                return;
            }
            fail(e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void head(UpstreamLeg from, HttpResponse head, EntityDetails entity) {
        lock.lock();
        try {
            if (from != leg || ended) {
                lock.later(from::abort);
                return;
            }
            tries.releaseRetrySlot();
            Target t = target;
            t.record(Target.Outcome.RESPONDED, System.currentTimeMillis());
            record.responseHead();
            if (route.retryPolicy.retriesStatus(head.getCode())
                    && tries.mayRetry(Attempts.RETRY_STATUS, false, true, t, "answered " + head.getCode())) {
                leg = null;
                tries.ended(t, "answered " + head.getCode(), true);
                target = null;
                lock.later(from::abort);
                lock.later(this::nextTry);
                return;
            }
            headRelayed = true;
            boolean body = entity != null && !"HEAD".equals(request.getMethod());
            if (reader != null && !reader.complete() && (endsTheUpload(head) || from.uploadBroken())) {
                cutShort = true; // the rest of the upload goes nowhere: the client's connection ends after this
                reader.stop();
            }
            ResponseRelay.head(route, record, request, response, head, entity == null ? -1 : entity.getContentLength(),
                    entity != null, cutShort, t.configured());
            waitingSince = System.nanoTime();
            if (body && entity.getContentLength() != 0) {
                writer.commit(); // the status at once, before the first token
            }
        } finally {
            lock.unlock();
        }
    }

    /** A final error, or an upstream that closes: the upload ends with the answer (RFC 9110 15.5). */
    private static boolean endsTheUpload(HttpResponse head) {
        if (head.getCode() >= 400) {
            return true;
        }
        var tokens = org.apache.hc.core5.http.message.MessageSupport.iterateTokens(head, "Connection");
        while (tokens.hasNext()) {
            if ("close".equalsIgnoreCase(tokens.next())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void bodyReady() {
        UpstreamLeg l = leg;
        if (l != null) {
            l.bodyReady();
        }
        lock.lock();
        try {
            if (answered && reader.complete()) {
                complete(); // the answer was written: it waited for the upload's end
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void bodyFailed(IOException failure) {
        lock.lock();
        try {
            if (ended) {
                if (answered) {
                    complete(); // the answer was written; the upload beside it is what failed
                }
                return;
            }
            UpstreamLeg l = leg;
            if (l != null) {
                leg = null;
                lock.later(l::abort);
            }
            fail(failure);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void bodySent() {
        waitingSince = System.nanoTime();
    }

    @Override
    public void body(UpstreamLeg from, ByteBuffer src) {
        lock.lock();
        try {
            if (from != leg || !headRelayed || ended || "HEAD".equals(request.getMethod())) {
                return;
            }
            record.addBytesOut(src.remaining());
            writer.offer(src);
            if (writer.idle()) {
                waitingSince = System.nanoTime();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void end(UpstreamLeg from) {
        lock.lock();
        try {
            if (from != leg || ended) {
                return;
            }
            waitingSince = 0;
            leg = null;
            writer.end();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void failed(UpstreamLeg from, Exception cause) {
        if (!from.headArrived() && from.reusedConnection() && cause instanceof org.apache.hc.core5.http.HttpException
                && "Unexpected response".equals(cause.getMessage())) {
            // HttpCore read an answer before this request went out: the previous exchange's stray bytes (a body
            // after HEAD, bytes past a Content-Length). Nothing was sent: it is the keep-alive race, tried afresh.
            cause = new org.apache.hc.core5.http.NoHttpResponseException("stray bytes on a reused connection");
        }
        IOException e = new UpstreamIOException(from.endpoint(), from.reusedConnection(), from.headArrived(),
                cause);
        if (!headRelayed) {
            onTryFailed(target, e);
            return;
        }
        lock.lock();
        try {
            if (from == leg && !ended) {
                leg = null;
                fail(e);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void taken(int n) {
        UpstreamLeg l = leg;
        if (l != null) {
            try {
                l.taken(n);
            } catch (IOException e) {
                lock.later(l::abort); // the upstream connection broke: its failure reaches the exchange
            }
        }
        if (writer.idle()) {
            waitingSince = System.nanoTime(); // the client took everything: the wait for the upstream starts now
        }
    }

    /** {@code responseTimeout}: no upstream byte for that long while the client waited for one. */
    @Override
    public void idleCheck(long now) {
        if (headRelayed && !ended) {
            writer.flushLeftovers();
        }
        long since = waitingSince;
        if (since == 0 || now - since < client.responseTimeoutNanos()) {
            return;
        }
        lock.lock();
        try {
            UpstreamLeg l = leg;
            if (l == null || ended || waitingSince == 0 || !writer.idle()
                    || (reader != null && reader.waitingForClient())) {
                return; // the client is the slow one: its bytes, or its reads, are what the exchange waits for
            }
            lock.later(l::abort);
            failed(l, new SocketTimeoutException("no upstream bytes within responseTimeout="
                    + route.config.responseTimeout().toMillis() + "ms"));
        } finally {
            lock.unlock();
        }
    }

    /** The exchange ends with a failure: its status while the response has not started, else an aborted client. */
    private void fail(Throwable failure) {
        UpstreamFailure kind = UpstreamFailure.classify(failure);
        byte[] body = ErrorResponses.prepare(response, kind, route.requestIdHeader, id, !headRelayed);
        if (body != null && reader != null && !reader.complete()) {
            response.setHeader("Connection", "close"); // the rest of the upload is left unread
            reader.stop();
        }
        end(FailureAnswer.log(route, id, request.getMethod(), request.getRequestURI(), kind, body != null,
                tries.describe(failure), failure));
        if (body != null) {
            writer.replace(body);
        } else if (kind == UpstreamFailure.CLIENT_GONE) {
            writer.close();
            complete();
        } else {
            writer.close();
            completed = true; // by the abort, in each container's own way
            lock.later(() -> ClientAbort.abort(async, response));
        }
    }

    @Override
    public void written() {
        lock.lock();
        try {
            if (!ended) {
                end(ExchangeRecord.Outcome.OK);
            }
            answered = true;
            if (reader != null && reader.goesOn()) {
                return; // full duplex: the body still goes up; the request completes at its end
            }
            complete();
        } finally {
            lock.unlock();
        }
    }

    /** Completes the client's request once, when the lock is free (the container may call its listeners). */
    private void complete() {
        if (!completed) {
            completed = true;
            lock.later(() -> {
                try {
                    async.complete();
                } catch (IllegalStateException e) {
                    // the container completed it already (its own error handling)
                }
            });
        }
    }

    @Override
    public void clientFailed(Throwable cause) {
        lock.lock();
        try {
            gone(cause);
            complete();
        } finally {
            lock.unlock();
        }
    }

    /** @return true when this ended the exchange */
    private boolean gone(Throwable cause) {
        lock.lock();
        try {
            if (ended) {
                return false;
            }
            UpstreamLeg l = leg;
            if (l != null) {
                lock.later(l::abort); // the connection is discarded, never drained
                leg = null;
            }
            ClientGoneException gone = new ClientGoneException("client went away: " + cause, cause);
            end(FailureAnswer.log(route, id, request.getMethod(), request.getRequestURI(),
                    UpstreamFailure.CLIENT_GONE, true, cause.toString(), gone));
            writer.close();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Once: the record, the target's and the route's counters, the admission slot. */
    private void end(ExchangeRecord.Outcome outcome) {
        if (ended) {
            return;
        }
        ended = true;
        waitingSince = 0;
        client.unwatch(this);
        record.end(response.getStatus(), outcome, reader == null ? 0 : reader.bytesRead());
        route.ended(record);
        if (target != null) {
            route.upstreams.targets().finish(target);
            target = null;
        }
        tries.releaseRetrySlot();
        route.retryBudget.exchangeEnded();
        leave.run();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        lock.lock();
        try {
            completed = true;
            gone(new IOException("the container completed the exchange"));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        // no container timeout is set: the proxy keeps its own
    }

    @Override
    public void onError(AsyncEvent event) {
        gone(event.getThrowable() != null ? event.getThrowable() : new IOException("client connection error"));
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }
}
