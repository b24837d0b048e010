package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pool exhausted ({@code single} route: one connection, connectionRequestTimeout 500ms): a request that finds no free
 * connection waits the bounded time, then gets 503 with {@code Retry-After}, and never reaches the upstream.
 */
class PoolExhaustionIT {

    @FaultTest
    void aRequestThatFindsNoFreeConnectionGets503WithRetryAfterAfterTheBoundedWait(FaultApp app) throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            holding.countDown();
            Await.quietly(release, Duration.ofSeconds(20));
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
            Await.latch(holding, Duration.ofSeconds(10), "the first request holding the only connection");

            long start = System.nanoTime();
            RawResponse second = app.send(RawRequest.get("/ctx/single/second"));
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertEquals(503, second.status(), second::toString);
            assertNotNull(second.header("Retry-After"), "503 without Retry-After");
            assertTrue(second.header("Retry-After").matches("\\d+"), second::toString);
            // it waited for a connection (connectionRequestTimeout 500ms), and not for ever
            assertTrue(waitedMs >= 400, "503 after only " + waitedMs + " ms: the pool did not wait");
            assertTrue(waitedMs < 10_000, "503 after " + waitedMs + " ms: the wait is not bounded");
            assertEquals(1, app.upstream().requestCount(), "the refused request reached the upstream");
        } finally {
            release.countDown();
        }
        assertEquals("held", first.get(10, TimeUnit.SECONDS).text());
    }
}
