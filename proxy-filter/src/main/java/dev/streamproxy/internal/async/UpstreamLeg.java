package dev.streamproxy.internal.async;

import dev.streamproxy.internal.client.Endpoint;
import dev.streamproxy.internal.client.KeepAlive;
import dev.streamproxy.internal.client.ResponseFraming;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.impl.DefaultConnectionReuseStrategy;
import org.apache.hc.core5.http.nio.AsyncClientExchangeHandler;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.RequestChannel;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.io.CloseMode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One try of a non-blocking exchange on one leased connection: HttpCore's callbacks, on the reactor thread, handed
 * to the exchange as its named steps ({@link Steps}). It sends the head (the request has no body on this path),
 * checks the answer's framing, and keeps the upstream's window: the upstream may send at most
 * {@link AsyncClient#WINDOW} bytes the client has not taken yet, granted back as the client takes them.
 *
 * <p>The connection goes back to the pool when HttpCore is done with both messages, even while the answer's last
 * bytes still wait for the client; any other end discards it: a proxy never drains what nobody will read.
 */
public final class UpstreamLeg implements AsyncClientExchangeHandler {

    /** The request body as a try sends it: absolute offsets, so a retry can send it again from 0. */
    public interface Body {
        /** @return bytes ready to send from {@code from} on */
        int available(long from);

        /** @return the bytes from {@code from} on, at least one when {@link #available} said so */
        ByteBuffer chunk(long from);

        /** @param upTo the try has sent everything before this offset */
        void sent(long upTo);

        /** @return true when the body ends at {@code at} */
        boolean ended(long at);

        /** @return true when the upstream's answer ended the upload: the rest is never sent */
        boolean stopped();
    }

    /** What the exchange does at each step of the try. */
    public interface Steps {
        /** The final head; throw to fail the try with it (a framing the proxy refuses). */
        void head(UpstreamLeg leg, HttpResponse head, EntityDetails entity) throws HttpException;

        /** Body bytes: to be taken whole, now. */
        void body(UpstreamLeg leg, ByteBuffer src);

        /** The answer's end arrived; the connection is back in the pool. */
        void end(UpstreamLeg leg);

        /** The try failed: no head, or the body broke; the connection is discarded. */
        void failed(UpstreamLeg leg, Exception cause);
    }

    private final AsyncClient client;
    private final AsyncPool.Lease lease;
    private final HttpRequest request;
    private final Steps steps;
    private final Body body;
    private final EntityDetails bodyDetails;
    private volatile HttpResponse head;
    /** Guarded by the reactor: how far this try sent the body, and its channel once HttpCore asked for it. */
    private long cursor;
    private volatile DataStreamChannel output;
    private volatile boolean requestSent;
    private volatile boolean uploadBroken;
    private boolean responseDone;
    /** Guarded by the exchange's lock: the capacity channel and what the upstream may still send. */
    private CapacityChannel capacity;
    private int credit = AsyncClient.WINDOW;
    private int held;
    private boolean done;

    UpstreamLeg(AsyncClient client, AsyncPool.Lease lease, HttpRequest request, Body body,
                EntityDetails bodyDetails, Steps steps) {
        this.client = client;
        this.lease = lease;
        this.request = request;
        this.body = body;
        this.bodyDetails = bodyDetails;
        this.steps = steps;
        this.requestSent = body == null;
    }

    /**
     * Sends {@code request} on the leased connection.
     *
     * @param body        its body from offset 0, or null for none
     * @param bodyDetails the body's length (-1: chunked) and type, or null for none
     * @return the try, whose steps are told what happens
     */
    public static UpstreamLeg start(AsyncClient client, AsyncPool.Lease lease, HttpRequest request, Body body,
                                    EntityDetails bodyDetails, Steps steps) {
        UpstreamLeg leg = new UpstreamLeg(client, lease, request, body, bodyDetails, steps);
        client.execute(leg.lease, leg);
        return leg;
    }

    /** @return the endpoint the try runs on */
    public Endpoint endpoint() {
        return lease.endpoint();
    }

    /** @return true once the final head has arrived (the try failed with or after it) */
    public boolean headArrived() {
        return head != null;
    }

    /** @return true when the connection had served an earlier exchange */
    public boolean reusedConnection() {
        return lease.reused();
    }

    @Override
    public void produceRequest(RequestChannel channel, HttpContext context) throws HttpException, IOException {
        channel.sendRequest(request, bodyDetails, context);
    }

    @Override
    public int available() {
        if (body == null || requestSent || uploadBroken) {
            return 0;
        }
        int n = body.available(cursor);
        return n > 0 ? n : body.ended(cursor) ? 1 : 0;
    }

    /** Sends what the body has, as far as the connection takes it; HttpCore asks again when it has room. */
    @Override
    public void produce(DataStreamChannel channel) throws IOException {
        output = channel;
        if (requestSent || uploadBroken) {
            return;
        }
        long start = cursor;
        try {
            while (body.available(cursor) > 0) {
                ByteBuffer chunk = body.chunk(cursor);
                int n = channel.write(chunk);
                cursor += n;
                if (n == 0 || chunk.hasRemaining()) {
                    break; // the connection is full: HttpCore calls again when it is not
                }
            }
        } catch (IOException e) {
            // the upstream stopped reading (a reset after an early answer, which may be in the input already):
            // the upload ends here, and the answer, or the read side's own failure, decides the exchange
            uploadBroken = true;
            return;
        }
        if (cursor > start) {
            body.sent(cursor);
        }
        if (body.ended(cursor)) {
            channel.endStream();
            requestSent = true;
        }
    }

    /** More of the body has come from the client (or its end): HttpCore is asked to call {@link #produce}. */
    public void bodyReady() {
        DataStreamChannel c = output;
        if (c != null && !requestSent) {
            c.requestOutput();
        }
    }

    /** @return true when a write of the body failed: the upstream stopped reading it */
    public boolean uploadBroken() {
        return uploadBroken;
    }

    /** @return true once the whole body went up (always, for a request without one) */
    public boolean requestSent() {
        return requestSent;
    }

    @Override
    public void consumeInformation(HttpResponse response, HttpContext context) {
        // 100, 102, 103: interim, not relayed
    }

    @Override
    public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context)
            throws HttpException {
        this.head = response;
        ResponseFraming.check(response);
        steps.head(this, response, entity);
        if (entity == null) {
            ended();
        }
    }

    @Override
    public void updateCapacity(CapacityChannel channel) throws IOException {
        int give;
        synchronized (this) {
            capacity = channel;
            give = AsyncClient.WINDOW - held - credit;
            if (give > 0) {
                credit += give;
            }
        }
        if (give > 0) {
            channel.update(give);
        }
    }

    @Override
    public void consume(ByteBuffer src) {
        int n = src.remaining();
        synchronized (this) {
            credit -= n;
            held += n;
        }
        steps.body(this, src);
    }

    /**
     * The client took {@code n} bytes of the answer: the upstream may send as many more.
     *
     * @param n bytes written to the client
     */
    public void taken(int n) throws IOException {
        CapacityChannel c;
        synchronized (this) {
            held -= n;
            c = capacity;
            if (c != null) {
                credit += n; // else HttpCore's window is still open: it asks (updateCapacity) once it closes
            }
        }
        if (c != null) {
            c.update(n);
        }
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) {
        ended();
    }

    private void ended() {
        synchronized (this) {
            if (done || responseDone) {
                return;
            }
            responseDone = true;
        }
        steps.end(this);
        if (!requestSent && (body.stopped() || uploadBroken)) {
            discard(); // the answer ended the upload: the upstream is left mid-request, never to be reused
        }
    }

    /**
     * HttpCore is done with the exchange both ways (with a body still going up after the answer, full duplex, that
     * is later than the answer's end): the connection goes back, reusable when both messages ended cleanly.
     */
    @Override
    public void releaseResources() {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        boolean reusable = false;
        if (responseDone && requestSent && !mayHaveStrayBytes()) {
            try {
                reusable = DefaultConnectionReuseStrategy.INSTANCE.keepAlive(request, head, HttpCoreContext.create());
            } catch (RuntimeException e) {
                reusable = false;
            }
        }
        if (!reusable) {
            lease.session().close(CloseMode.IMMEDIATE); // a cut upload leaves the upstream mid-request
        }
        client.release(lease, reusable, reusable ? KeepAlive.millis(head, client.idleTimeoutMillis()) : 0);
    }

    /**
     * A response that has no body but declares one (any answer to HEAD, a 204 or 304 with a length) is where an
     * upstream that wrongly sends the body leaves bytes on the connection, which the next exchange would read as its
     * answer. HttpCore 5.4 refuses such bytes itself; 5.3 does not, so such a connection is never reused.
     */
    private boolean mayHaveStrayBytes() {
        return "HEAD".equals(request.getMethod()) || head.getCode() == 204 || head.getCode() == 304;
    }

    @Override
    public void failed(Exception cause) {
        if (discard()) {
            steps.failed(this, cause);
        }
    }

    @Override
    public void cancel() {
        failed(new org.apache.hc.core5.http.ConnectionClosedException("upstream connection closed"));
    }

    /** Ends the try at once: the connection is closed and discarded; its steps hear nothing more. */
    public void abort() {
        discard();
    }

    private boolean discard() {
        synchronized (this) {
            if (done) {
                return false;
            }
            done = true;
        }
        lease.session().close(CloseMode.IMMEDIATE);
        client.release(lease, false, 0);
        return true;
    }

}
