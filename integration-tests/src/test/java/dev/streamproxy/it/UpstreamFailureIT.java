package dev.streamproxy.it;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.BodyStreams;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.ContainerTest;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.ProxiedApp;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upstream failures become the right status before the response is committed (502, 503, 504, short bodies that
 * name no host and hold no stack trace), and an aborted client connection after it.
 */
class UpstreamFailureIT {

    /** How long an upstream handler holds a request before giving up on its own; tests release it sooner. */
    private static final Duration HOLD = Duration.ofSeconds(20);

    @ContainerTest
    void nothingListeningOnTheTargetPortGives502(ProxiedApp app) throws Exception {
        RawResponse r = app.send(RawRequest.get("/ctx/dead/x"));

        assertEquals(502, r.status(), r::toString);
        assertShortAndDiscreet(r);
    }

    @ContainerTest
    void anUpstreamThatAcceptsButNeverAnswersGives504AfterTheResponseTimeout(ProxiedApp app) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            if (Await.quietly(release, HOLD)) {
                ex.closeAfter(); // the proxy has given up on this connection
            }
        });
        try {
            RawResponse r = app.send(RawRequest.get("/ctx/slow/x"));
            int getTries = app.upstream().requestCount();
            RawResponse post = app.send(RawRequest.of("POST", "/ctx/slow/x").body("once"));

            assertEquals(504, r.status(), r::toString);
            assertShortAndDiscreet(r);
            // no head within responseTimeout: the request may be running there, so the route's one target never
            // gets it again, a GET included (retries go only to targets not tried yet), a POST never
            assertEquals(1, getTries, "tries of the GET");
            assertEquals(504, post.status(), post::toString);
            assertEquals(getTries + 1, app.upstream().requestCount(), "the POST was sent more than once");
        } finally {
            release.countDown();
        }
    }

    @ContainerTest
    void aRequestThatFindsThePoolExhaustedGets503WithRetryAfter(ProxiedApp app) throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            holding.countDown();
            Await.quietly(release, HOLD);
            ex.respond(200, "OK", "held".getBytes(StandardCharsets.US_ASCII));
        });
        CompletableFuture<RawResponse> first = CompletableFuture.supplyAsync(() -> {
            try {
                return app.send(RawRequest.get("/ctx/single/hold"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            Await.latch(holding, Duration.ofSeconds(10), "the first request reaching the upstream");

            RawResponse second = app.send(RawRequest.get("/ctx/single/second"));

            assertEquals(503, second.status(), second::toString);
            String retryAfter = second.header("Retry-After");
            assertNotNull(retryAfter, "503 without Retry-After");
            assertTrue(retryAfter.matches("\\d+"), "Retry-After: " + retryAfter);
            assertShortAndDiscreet(second);
            assertEquals(1, app.upstream().requestCount(), "the second request must not reach the upstream");
        } finally {
            release.countDown();
        }
        RawResponse held = first.get(10, TimeUnit.SECONDS);
        assertEquals(200, held.status());
        assertEquals("held", held.text());
    }

    @ContainerTest
    void anUpstreamThatStallsMidBodyAbortsTheClientConnection(ProxiedApp app) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Type: application/octet-stream", "Content-Length: 1000");
            ex.out().write(new byte[10]);
            ex.out().flush();
            Await.quietly(release, HOLD);
            ex.closeAfter();
        });
        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.get("/ctx/slow/stall"));
            HttpHead head = c.readHead();
            assertEquals("200", head.startLine().split(" ")[1], head::toString);
            InputStream body = c.body(head, "GET");

            // 10 bytes, then the proxy's response timeout: the client must see a broken response, never a clean end
            assertThrows(IOException.class, () -> BodyStreams.drain(body), "the truncated response looked complete");
        } finally {
            release.countDown();
        }
    }

    @ContainerTest
    void anUpstreamThatStallsMidChunkedBodyAbortsTheClientConnection(ProxiedApp app) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Type: text/event-stream", "Transfer-Encoding: chunked");
            BodyStreams.writeChunk(ex.out(), "data: one\n\n".getBytes(StandardCharsets.US_ASCII));
            ex.out().flush();
            Await.quietly(release, HOLD);
            ex.closeAfter();
        });
        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.get("/ctx/slow/events"));
            HttpHead head = c.readHead();
            InputStream body = c.body(head, "GET");

            assertThrows(IOException.class, () -> BodyStreams.drain(body), "the truncated stream looked complete");
        } finally {
            release.countDown();
        }
    }

    @ContainerTest
    void anUpstreamThatClosesMidBodyAbortsTheClientConnection(ProxiedApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Length: 100000");
            ex.out().write(new byte[50_000]);
            ex.out().flush();
            ex.socket().setSoLinger(true, 0);
            ex.closeAfter();
        });
        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.get("/ctx/api/truncated"));
            HttpHead head = c.readHead();
            InputStream body = c.body(head, "GET");

            assertThrows(IOException.class, () -> BodyStreams.drain(body), "the truncated response looked complete");
        }
    }

    /** Error bodies are short text that names no internal host or port and holds no stack trace. */
    private static void assertShortAndDiscreet(RawResponse r) {
        String body = r.text();
        assertTrue(body.length() < 200, "error body too long: " + body);
        assertFalse(body.contains("127.0.0.1"), "error body names a host: " + body);
        assertFalse(body.contains("Exception"), "error body shows an exception: " + body);
        assertFalse(body.contains("\tat "), "error body holds a stack trace: " + body);
    }
}
