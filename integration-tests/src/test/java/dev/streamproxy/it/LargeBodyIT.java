package dev.streamproxy.it;

import dev.streamproxy.it.support.BodyStreams;
import dev.streamproxy.it.support.ContainerTest;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.ProxiedApp;
import dev.streamproxy.it.support.RecordedRequest;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** 16 MiB through the proxy each way, generated on the fly and compared by SHA-256, with a real HTTP client. */
class LargeBodyIT {

    private static final long SIZE = 16L * 1024 * 1024;
    private static final long SEED = 16;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @ContainerTest
    void aSixteenMebibyteUploadWithContentLengthArrivesByteIdentical(ProxiedApp app) throws Exception {
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> Payload.stream(SIZE, SEED)), SIZE);

        HttpResponse<String> r = client.send(post(app, body), HttpResponse.BodyHandlers.ofString());

        Payload.Digest sent = Payload.digestOf(SIZE, SEED);
        assertEquals(200, r.statusCode(), r::body);
        assertEquals(sent.sha256(), r.headers().firstValue("X-Echo-Sha256").orElse(null));
        RecordedRequest up = app.upstream().takeRequest();
        assertEquals(sent, up.digest());
        assertEquals(Long.toString(SIZE), up.header("Content-Length"), "the client's length is kept");
    }

    @ContainerTest
    void aSixteenMebibyteChunkedUploadArrivesByteIdentical(ProxiedApp app) throws Exception {
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofInputStream(() -> Payload.stream(SIZE, SEED));

        HttpResponse<String> r = client.send(post(app, body), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, r.statusCode(), r::body);
        RecordedRequest up = app.upstream().takeRequest();
        assertEquals(Payload.digestOf(SIZE, SEED), up.digest());
        assertEquals("chunked", up.header("Transfer-Encoding"));
        assertNull(up.header("Content-Length"));
    }

    @ContainerTest
    void aSixteenMebibyteDownloadWithContentLengthArrivesByteIdentical(ProxiedApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Type: application/octet-stream", "Content-Length: " + SIZE);
            Payload.write(ex.out(), SIZE, SEED, 64 * 1024);
        });

        HttpResponse<InputStream> r = client.send(get(app), HttpResponse.BodyHandlers.ofInputStream());

        assertEquals(200, r.statusCode());
        assertEquals(Long.toString(SIZE), r.headers().firstValue("Content-Length").orElse(null));
        try (InputStream in = r.body()) {
            assertEquals(Payload.digestOf(SIZE, SEED), Payload.digest(in));
        }
    }

    @ContainerTest
    void aSixteenMebibyteChunkedDownloadArrivesByteIdentical(ProxiedApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Type: application/octet-stream", "Transfer-Encoding: chunked");
            OutputStream out = ex.out();
            InputStream data = Payload.stream(SIZE, SEED);
            byte[] buf = new byte[50_000]; // odd-sized chunks
            for (int n; (n = data.read(buf)) > 0; ) {
                BodyStreams.writeChunk(out, buf, 0, n);
            }
            BodyStreams.writeLastChunk(out);
        });

        HttpResponse<InputStream> r = client.send(get(app), HttpResponse.BodyHandlers.ofInputStream());

        assertEquals(200, r.statusCode());
        try (InputStream in = r.body()) {
            assertEquals(Payload.digestOf(SIZE, SEED), Payload.digest(in));
        }
    }

    private static HttpRequest post(ProxiedApp app, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(app.uri("/ctx/api/upload")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/octet-stream").POST(body).build();
    }

    private static HttpRequest get(ProxiedApp app) {
        return HttpRequest.newBuilder(app.uri("/ctx/api/download")).timeout(Duration.ofSeconds(30)).GET().build();
    }
}
