package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.BodyStreams;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RawRequest;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * An upstream that resets (RST) or closes (FIN) its connection: before the status line the client gets 502 after the
 * retries the rules allow (a request that reached the route's one target is never sent to it again, a bodiless GET
 * included: it may be running there; a POST whose bytes reached the upstream is never sent twice); mid-body, after the proxy has committed the response, the client's
 * connection is aborted so that the response can never look complete.
 */
class UpstreamResetIT {

    @FaultTest
    void aResetBeforeTheStatusLineGives502AfterRetryingAGetButNeverAPost(FaultApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.reset();
        });

        ClientView get = ClientView.of(app, RawRequest.get("/ctx/api/reset"));
        int afterGet = app.upstream().requestCount();
        ClientView post = ClientView.of(app, RawRequest.of("POST", "/ctx/api/reset").body("payload"));

        assertEquals(502, get.status(), get::toString);
        assertEquals(502, post.status(), post::toString);
        assertEquals(1, afterGet, "a GET reset before its head was sent again to the target that had it");
        assertEquals(afterGet + 1, app.upstream().requestCount(), "the POST was sent more than once");
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
        assertEquals(1, getAttempts, "a bodiless GET closed before its head was sent again to the target that had it");
    }

    @FaultTest
    void aResetMidContentLengthBodyAbortsTheClientConnection(FaultApp app) throws Exception {
        resetAfterTheClientHasTheStart(app, "Content-Length: 1000000", false);
    }

    @FaultTest
    void aResetMidChunkedBodyAbortsTheClientConnection(FaultApp app) throws Exception {
        resetAfterTheClientHasTheStart(app, "Transfer-Encoding: chunked", true);
    }

    /**
     * The upstream sends a head and the start of the body, and resets only once the client has received that start,
     * so the response is committed when the upstream fails (a reset discards unread bytes, so resetting at once
     * could fail the exchange before anything was committed, which tests the other path).
     */
    private static void resetAfterTheClientHasTheStart(FaultApp app, String framing, boolean chunked)
            throws Exception {
        CountDownLatch clientHasTheStart = new CountDownLatch(1);
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Type: application/octet-stream", framing);
            byte[] start = Payload.bytes(1000, 1);
            if (chunked) {
                BodyStreams.writeChunk(ex.out(), start);
            } else {
                ex.out().write(start);
            }
            ex.out().flush();
            Await.quietly(clientHasTheStart, Duration.ofSeconds(10));
            ex.reset();
        });

        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.get("/ctx/api/big"));
            HttpHead head = c.readHead();
            assertEquals("200", head.startLine().split(" ")[1], head::toString);
            InputStream body = c.body(head, "GET");
            // half the chunk: reading to its very end would wait for the CRLF after it, which Jetty sends only
            // with the next chunk
            assertEquals(500, body.readNBytes(500).length);
            clientHasTheStart.countDown();

            assertThrows(IOException.class, () -> BodyStreams.drain(body),
                    "the response looked complete after the upstream reset");
        }
    }
}
