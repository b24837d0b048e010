package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.BodyStreams;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.Upstream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An upstream that resets (RST) or closes (FIN) its connection: before the status line the client gets 502 (and a
 * request with a body is never sent twice); mid-body, after the proxy has committed the response, the client's
 * connection is aborted so that the response can never look complete.
 */
class UpstreamResetIT {

    private static void reset(Upstream.Exchange ex) throws IOException {
        ex.socket().setSoLinger(true, 0);
        ex.socket().close();
        ex.closeAfter();
    }

    @FaultTest
    void aResetBeforeTheStatusLineGives502AndIsNotRetried(FaultApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            reset(ex);
        });

        ClientView get = ClientView.of(app, RawRequest.get("/ctx/api/reset"));
        int afterGet = app.upstream().requestCount();
        ClientView post = ClientView.of(app, RawRequest.of("POST", "/ctx/api/reset").body("payload"));

        assertEquals(502, get.status(), get::toString);
        assertEquals(502, post.status(), post::toString);
        assertEquals(1, afterGet, "a reset is a failure, not the keep-alive race: never retried");
        assertEquals(2, app.upstream().requestCount(), "the POST was sent more than once");
    }

    @FaultTest
    void aCloseBeforeTheStatusLineGives502AndARequestWithABodyIsNeverSentTwice(FaultApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.closeAfter(); // FIN without a byte of response
        });

        ClientView post = ClientView.of(app, RawRequest.of("POST", "/ctx/api/close").body("payload"));
        int afterPost = app.upstream().requestCount();
        ClientView get = ClientView.of(app, RawRequest.get("/ctx/api/close"));
        int getAttempts = app.upstream().requestCount() - afterPost;

        assertEquals(502, post.status(), post::toString);
        assertEquals(1, afterPost, "a POST with a body was retried");
        assertEquals(502, get.status(), get::toString);
        Findings.record(app, "upstream FIN before status", "GET without body",
                getAttempts + " attempt(s) reached the upstream");
        assertTrue(getAttempts <= 2, "a bodiless GET is retried at most once: " + getAttempts);
    }

    @FaultTest
    void aResetMidContentLengthBodyAbortsTheClientConnection(FaultApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Type: application/octet-stream", "Content-Length: 1000000");
            ex.out().write(Payload.bytes(300_000, 1));
            ex.out().flush();
            reset(ex);
        });

        ClientView v = ClientView.of(app, RawRequest.get("/ctx/api/big"));

        assertTrue(v.status() == 502 || v.broken(), "the client must see a failure, not a clean response: " + v);
        assertTrue(v.bodyBytes() < 1_000_000, v::toString);
    }

    @FaultTest
    void aResetMidChunkedBodyAbortsTheClientConnection(FaultApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Type: text/event-stream", "Transfer-Encoding: chunked");
            for (int i = 0; i < 20; i++) {
                BodyStreams.writeChunk(ex.out(), ("data: " + i + "\n\n").getBytes(StandardCharsets.US_ASCII));
            }
            ex.out().flush();
            reset(ex);
        });

        ClientView v = ClientView.of(app, RawRequest.get("/ctx/api/events"));

        assertTrue(v.status() == 502 || v.broken(), "the client must see a failure, not a clean response: " + v);
    }
}
