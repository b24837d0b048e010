package dev.streamproxy.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The smoke scenarios run against a real Tomcat distribution, with a real HTTP client: bodies each way checked by
 * SHA-256, and streaming proven by causality. Shared by the deployment variants.
 */
public final class Smoke {

    private static final long SIZE = 16L * 1024 * 1024;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Smoke() {
    }

    /** 16 MiB uploaded to {@code uploadUri} and 16 MiB downloaded from {@code downloadUri}, both byte-identical. */
    public static void bodiesArriveByteIdentical(Upstream upstream, URI uploadUri, URI downloadUri)
            throws Exception {
        upstream.reset();
        HttpResponse<String> up = CLIENT.send(HttpRequest.newBuilder(uploadUri).timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> Payload.stream(SIZE, 31))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, up.statusCode(), up::body);
        assertEquals(Payload.digestOf(SIZE, 31), upstream.takeRequest().digest(), "upload");

        upstream.handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Type: application/octet-stream", "Content-Length: " + SIZE);
            Payload.write(ex.out(), SIZE, 32, 64 * 1024);
        });
        HttpResponse<InputStream> down = CLIENT.send(HttpRequest.newBuilder(downloadUri)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, down.statusCode());
        try (InputStream in = down.body()) {
            assertEquals(Payload.digestOf(SIZE, 32), Payload.digest(in), "download");
        }
        upstream.reset();
    }

    /** The client reads the first server-sent event before the upstream sends the second. */
    public static void eventsArriveOneByOne(Upstream upstream, URI eventsUri) throws Exception {
        CountDownLatch clientHasEvent1 = new CountDownLatch(1);
        AtomicBoolean secondSentAfterClientSawFirst = new AtomicBoolean();
        upstream.handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Type: text/event-stream", "Transfer-Encoding: chunked");
            BodyStreams.writeChunk(ex.out(), "data: one\n\n".getBytes(StandardCharsets.US_ASCII));
            ex.out().flush();
            secondSentAfterClientSawFirst.set(Await.quietly(clientHasEvent1, Duration.ofSeconds(10)));
            BodyStreams.writeChunk(ex.out(), "data: two\n\n".getBytes(StandardCharsets.US_ASCII));
            BodyStreams.writeLastChunk(ex.out());
        });
        HttpResponse<InputStream> r = CLIENT.send(HttpRequest.newBuilder(eventsUri).timeout(Duration.ofSeconds(20))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            assertEquals("data: one\n\n", BodyStreams.readEvent(in));
            clientHasEvent1.countDown();
            assertEquals("data: two\n\n", BodyStreams.readEvent(in));
        }
        assertTrue(secondSentAfterClientSawFirst.get(), "the proxy held the first event back");
        upstream.reset();
    }

}
