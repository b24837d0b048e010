package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An upstream that refuses an {@code Expect: 100-continue} request with a final status (401, 413, 417) gets no body:
 * the proxy relays the final answer without uploading. Under Jetty the client, which waits for 100, gets the final
 * status instead and never uploads at all; under Tomcat the container has already told it to go ahead (recorded), so
 * it uploads to the container, and the proxy still forwards none of it.
 */
class EarlyFinalAnswerIT {

    private static final int BODY = 256 * 1024;

    @FaultTest
    void a401BeforeContinueIsRelayedWithoutUploadingTheBody(FaultApp app) throws Exception {
        refusedWith(app, 401, "Unauthorized", "WWW-Authenticate: Basic realm=\"upstream\"");
    }

    @FaultTest
    void a413BeforeContinueIsRelayedWithoutUploadingTheBody(FaultApp app) throws Exception {
        refusedWith(app, 413, "Content Too Large", "X-Limit: 1024");
    }

    @FaultTest
    void a417BeforeContinueIsRelayedWithoutUploadingTheBody(FaultApp app) throws Exception {
        refusedWith(app, 417, "Expectation Failed", "X-Reason: no");
    }

    private static void refusedWith(FaultApp app, int status, String reason, String header) throws Exception {
        AtomicInteger bodyBytesSeen = new AtomicInteger(-1);
        CountDownLatch answered = new CountDownLatch(1);
        app.upstream().handle(ex -> {
            ex.respond(status, reason, "refused\n".getBytes(StandardCharsets.US_ASCII), header);
            answered.countDown();
            // anything the proxy uploads now arrives within this window on loopback
            Thread.sleep(500);
            bodyBytesSeen.set(ex.body().available());
            ex.closeAfter();
        });

        RawResponse r;
        String first;
        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.of("POST", "/ctx/api/upload")
                    .header("Content-Length", Integer.toString(BODY)).header("Expect", "100-continue")
                    .header("Content-Type", "application/octet-stream"));
            HttpHead head = c.readHead();
            first = head.startLine();
            if (head.startLine().startsWith("HTTP/1.1 100")) {
                // the container said go ahead: a real client uploads now
                c.write(Payload.bytes(BODY, 5));
                r = c.readResponse("POST");
            } else {
                r = new RawResponse(head, c.body(head, "POST").readAllBytes());
            }
        }

        Findings.record(app, "expect + early " + status, "client waits for 100",
                first.startsWith("HTTP/1.1 100") ? "container sent 100 first; the client uploaded to the container"
                        : "client got '" + first + "' directly and never uploaded");
        assertEquals(status, r.status(), r::toString);
        assertEquals("refused\n", r.text());
        assertEquals(1, app.upstream().requestCount());
        app.awaitNoLeasedConnections(Duration.ofSeconds(5));
        dev.streamproxy.it.support.Await.latch(answered, Duration.ofSeconds(5), "the upstream answering");
        dev.streamproxy.it.support.Await.until(Duration.ofSeconds(5), "the upstream's upload check",
                () -> bodyBytesSeen.get() >= 0, bodyBytesSeen::get);
        assertEquals(0, bodyBytesSeen.get(), "the proxy uploaded body bytes after the upstream's final answer");
        if (app.kind().isJetty()) {
            assertTrue(first.contains(" " + status + " "), "under Jetty the waiting client gets the final answer: "
                    + first);
        }
    }
}
