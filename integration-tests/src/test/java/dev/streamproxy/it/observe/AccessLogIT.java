package dev.streamproxy.it.observe;

import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.BodyStreams;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code accessLog=true}: one INFO line per exchange on the logger {@code dev.streamproxy.access}, with every field
 * (route, id, method, path without the query, status, in, out, ms, ttfb_ms, target, tries, outcome) checked against
 * traffic the test made, for each outcome: ok (also after a retry), upstream-error, timeout, client-gone, shed and
 * refused.
 */
class AccessLogIT {

    @ObserveTest
    void anExchangeIsOneLineWithEveryFieldAndTheQueryIsNeverLogged(ObserveApp app) throws Exception {
        String id = "post-" + RequestIdIT.nonce();
        String secret = "secret-" + RequestIdIT.nonce();
        byte[] body = Payload.bytes(100, 7);

        RawResponse r = app.send(RawRequest.of("POST", app.path("/logged/items?token=" + secret + "&x=1"))
                .header("X-Request-Id", id).body(body));

        assertEquals(200, r.status(), r::toString);
        assertEquals(5, r.body().length, "the echo answers 'echo\\n'");
        Map<String, String> line = AccessLines.await(id);
        assertEquals(AccessLines.KEYS, List.copyOf(line.keySet()), "keys and their order");
        assertAll(line.toString(),
                () -> assertEquals("logged", line.get("route")),
                () -> assertEquals(id, line.get("id")),
                () -> assertEquals("POST", line.get("method")),
                () -> assertEquals(app.path("/logged/items"), line.get("path"), "the path, without the query"),
                () -> assertEquals("200", line.get("status")),
                () -> assertEquals("100", line.get("in"), "request body bytes read from the client"),
                () -> assertEquals("5", line.get("out"), "response body bytes written to the client"),
                () -> assertEquals(app.upstreamAddress(), line.get("target")),
                () -> assertEquals("1", line.get("tries")),
                () -> assertEquals("ok", line.get("outcome")));
        assertTimes(line);
        assertEquals(List.of(), AccessLines.mentioning(secret), "the query's token reached a log line");
    }

    @ObserveTest
    void aDownloadCountsTheBytesTheClientGot(ObserveApp app) throws Exception {
        String id = "get-" + RequestIdIT.nonce();
        byte[] download = Payload.bytes(300_000, 11);
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.respond(200, "OK", download, "Content-Type: application/octet-stream");
        });

        RawResponse r = app.send(RawRequest.get(app.path("/logged/download")).header("X-Request-Id", id));

        assertEquals(200, r.status(), r::toString);
        assertEquals(download.length, r.body().length);
        Map<String, String> line = AccessLines.await(id);
        assertAll(line.toString(),
                () -> assertEquals("GET", line.get("method")),
                () -> assertEquals("0", line.get("in")),
                () -> assertEquals(Integer.toString(download.length), line.get("out")),
                () -> assertEquals("ok", line.get("outcome")));
        assertTimes(line);
    }

    /**
     * Route {@code retry}: round-robin over a target that refuses connections and the upstream. Of two GETs, one
     * starts on the refusing target and is retried on the upstream (tries=2), the other goes to the upstream at once
     * (tries=1), whichever comes first; both name the upstream, the target that answered.
     */
    @ObserveTest
    void aGetRetriedAfterARefusedConnectionSaysTriesTwo(ObserveApp app) throws Exception {
        List<String> tries = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String id = "retry-" + i + "-" + RequestIdIT.nonce();
            RawResponse r = app.send(RawRequest.get(app.path("/retry/items")).header("X-Request-Id", id));
            assertEquals(200, r.status(), r::toString);
            Map<String, String> line = AccessLines.await(id);
            assertEquals(app.upstreamAddress(), line.get("target"), line::toString);
            assertEquals("ok", line.get("outcome"), line::toString);
            assertEquals("200", line.get("status"), line::toString);
            tries.add(line.get("tries"));
        }
        assertEquals(List.of("1", "2"), tries.stream().sorted().toList(), "tries of the two exchanges: " + tries);
        assertEquals(2, app.upstream().requestCount(), "each exchange reached the upstream once");
    }

    @ObserveTest
    void aDeadUpstreamIsAnUpstreamError(ObserveApp app) throws Exception {
        String id = "dead-" + RequestIdIT.nonce();

        RawResponse r = app.send(RawRequest.get(app.path("/deadlog/items")).header("X-Request-Id", id));

        assertEquals(502, r.status(), r::toString);
        Map<String, String> line = AccessLines.await(id);
        assertAll(line.toString(),
                () -> assertEquals("502", line.get("status")),
                () -> assertEquals("upstream-error", line.get("outcome")),
                () -> assertEquals("1", line.get("tries"), "maxRetries=0"),
                () -> assertEquals("127.0.0.1:" + app.deadPort(), line.get("target")),
                () -> assertEquals("-", line.get("ttfb_ms"), "no response head came"),
                () -> assertEquals("0", line.get("in")));
        assertTrue(AccessLines.MILLIS.matcher(line.get("ms")).matches(), line::toString);
    }

    @ObserveTest
    void anUpstreamThatDoesNotAnswerInTimeIsATimeout(ObserveApp app) throws Exception {
        String id = "slow-" + RequestIdIT.nonce();
        CountDownLatch release = new CountDownLatch(1);
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            Await.quietly(release, Duration.ofSeconds(20)); // longer than the route's responseTimeout of 500ms
            ex.closeAfter();
        });
        RawResponse r;
        try {
            r = app.send(RawRequest.get(app.path("/slowlog/items")).header("X-Request-Id", id));
        } finally {
            release.countDown();
        }

        assertEquals(504, r.status(), r::toString);
        Map<String, String> line = AccessLines.await(id);
        assertAll(line.toString(),
                () -> assertEquals("504", line.get("status")),
                () -> assertEquals("timeout", line.get("outcome")),
                () -> assertEquals("1", line.get("tries"), "maxRetries=0"),
                () -> assertEquals(app.upstreamAddress(), line.get("target")),
                () -> assertEquals("-", line.get("ttfb_ms")));
        double ms = Double.parseDouble(line.get("ms"));
        assertTrue(ms >= 500 - 1, "a 504 after responseTimeout=500ms logged ms=" + ms);
    }

    @ObserveTest
    void aClientThatGoesAwayMidBodyIsClientGone(ObserveApp app) throws Exception {
        String id = "gone-" + RequestIdIT.nonce();
        CountDownLatch upstreamWriteFailed = new CountDownLatch(1);
        AtomicInteger written = new AtomicInteger();
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Type: text/plain", "Transfer-Encoding: chunked");
            try {
                while (written.get() < 2000) { // an endless stream, bounded so that a bug cannot run for ever
                    BodyStreams.writeChunk(ex.out(), ("line " + written.get() + "\n").getBytes(StandardCharsets.US_ASCII));
                    ex.out().flush();
                    written.incrementAndGet();
                    Thread.sleep(20); // the stream's pace
                }
                BodyStreams.writeLastChunk(ex.out());
            } catch (IOException e) {
                upstreamWriteFailed.countDown();
                ex.closeAfter();
            }
        });

        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.get(app.path("/logged/stream")).header("X-Request-Id", id));
            HttpHead head = c.readHead();
            assertEquals("200", head.startLine().split(" ")[1], head::toString);
            InputStream body = c.body(head, "GET");
            assertTrue(body.read() >= 0, "the stream's first byte");
            c.abort(); // a reset: the client is gone
        }

        Map<String, String> line = AccessLines.await(id);
        assertAll(line.toString(),
                () -> assertEquals("client-gone", line.get("outcome")),
                () -> assertEquals(app.upstreamAddress(), line.get("target")),
                () -> assertEquals("1", line.get("tries")));
        assertTrue(AccessLines.MILLIS.matcher(line.get("ttfb_ms")).matches(), "the head came: " + line);
        Await.latch(upstreamWriteFailed, Duration.ofSeconds(15), "the upstream's stream being cut",
                () -> written.get() + " lines written");
    }

    @ObserveTest
    void aRequestOverTheConcurrencyLimitIsShed(ObserveApp app) throws Exception {
        String first = "first-" + RequestIdIT.nonce();
        String second = "shed-" + RequestIdIT.nonce();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            holding.countDown();
            Await.quietly(release, Duration.ofSeconds(20));
            ex.respond(200, "OK", "held\n".getBytes(StandardCharsets.US_ASCII));
        });
        CompletableFuture<RawResponse> held = CompletableFuture.supplyAsync(() -> {
            try {
                return app.send(RawRequest.get(app.path("/shed/held")).header("X-Request-Id", first));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        RawResponse r;
        try {
            Await.latch(holding, Duration.ofSeconds(10), "the first request holding the route's only slot");
            r = app.send(RawRequest.get(app.path("/shed/more")).header("X-Request-Id", second));
        } finally {
            release.countDown();
        }

        assertEquals(503, r.status(), r::toString);
        assertEquals("1", r.header("Retry-After"), r::toString);
        assertEquals(List.of(second), r.headers("X-Request-Id"), r::toString);
        Map<String, String> line = AccessLines.await(second);
        assertAll(line.toString(),
                () -> assertEquals("503", line.get("status")),
                () -> assertEquals("shed", line.get("outcome")),
                () -> assertEquals("0", line.get("tries")),
                () -> assertEquals("-", line.get("target")),
                () -> assertEquals("-", line.get("ttfb_ms")));
        assertEquals(200, held.get(10, TimeUnit.SECONDS).status());
        assertEquals("ok", AccessLines.await(first).get("outcome"));
        assertEquals(1, app.upstream().requestCount(), "the shed request reached the upstream");
    }

    @ObserveTest
    void aBodyOverTheLimitIsRefusedBeforeAnyUpstream(ObserveApp app) throws Exception {
        String id = "big-" + RequestIdIT.nonce();

        RawResponse r = app.send(RawRequest.of("POST", app.path("/logged/upload")).header("X-Request-Id", id)
                .body(Payload.bytes(ObserveApp.LIMIT * 2, 3)));

        assertEquals(413, r.status(), r::toString);
        Map<String, String> line = AccessLines.await(id);
        assertAll(line.toString(),
                () -> assertEquals("413", line.get("status")),
                () -> assertEquals("refused", line.get("outcome")),
                () -> assertEquals("0", line.get("tries")),
                () -> assertEquals("-", line.get("target")),
                () -> assertEquals("0", line.get("in")));
        assertEquals(0, app.upstream().requestCount());
    }

    /**
     * TRACE: on Jetty the filter refuses it (405, its own {@code Allow}) and logs it as refused; Tomcat's connector
     * answers 405 ({@code allowTrace=false}) before any filter runs, so there is no exchange and no line.
     */
    @ObserveTest
    void traceIsRefused(ObserveApp app, HostKind kind) throws Exception {
        String id = "trace-" + RequestIdIT.nonce();

        RawResponse r = app.send(RawRequest.of("TRACE", app.path("/logged/items")).header("X-Request-Id", id));

        assertEquals(405, r.status(), r::toString);
        assertEquals(0, app.upstream().requestCount());
        if (kind.isJetty()) {
            assertEquals(List.of(id), r.headers("X-Request-Id"), "the filter's own 405 carries the id");
            Map<String, String> line = AccessLines.await(id);
            assertAll(line.toString(),
                    () -> assertEquals("TRACE", line.get("method")),
                    () -> assertEquals("405", line.get("status")),
                    () -> assertEquals("refused", line.get("outcome")),
                    () -> assertEquals("0", line.get("tries")),
                    () -> assertEquals("-", line.get("target")),
                    () -> assertEquals("-", line.get("ttfb_ms")));
        } else {
            assertEquals(List.of(), r.headers("X-Request-Id"), "the filter saw the TRACE: " + r);
            assertEquals("OPTIONS", r.header("Allow"), "Tomcat's connector's own 405");
            // a later exchange's line is there, the TRACE's is not
            String later = "later-" + RequestIdIT.nonce();
            app.send(RawRequest.get(app.path("/logged/later")).header("X-Request-Id", later));
            AccessLines.await(later);
            assertEquals(List.of(), AccessLines.of(id));
        }
    }

    /** {@code ms} and {@code ttfb_ms} are one-decimal numbers, and the exchange took at least its upstream's share. */
    private static void assertTimes(Map<String, String> line) {
        assertTrue(AccessLines.MILLIS.matcher(line.get("ms")).matches(), line::toString);
        assertTrue(AccessLines.MILLIS.matcher(line.get("ttfb_ms")).matches(), line::toString);
        double ms = Double.parseDouble(line.get("ms"));
        double ttfb = Double.parseDouble(line.get("ttfb_ms"));
        assertTrue(ms >= ttfb, "ms=" + ms + " < ttfb_ms=" + ttfb);
    }
}
