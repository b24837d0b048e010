package dev.streamproxy.it;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.BodyStreams;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.ContainerTest;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.ProxiedApp;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streaming proven by causality, not by timing: each test makes one side wait for evidence that the other side
 * already received the first part. A proxy that buffered a whole body could never produce that evidence, and the
 * bounded wait fails the test instead of hanging it.
 */
class StreamingIT {

    private static final Duration EVIDENCE_WAIT = Duration.ofSeconds(10);
    private static final int PART = 100_000;

    @ContainerTest
    void theUpstreamReceivesTheFirstPartOfAnUploadWhileTheClientStillHoldsTheRest(ProxiedApp app) throws Exception {
        assertTheUploadStreams(app, "/ctx/api/stream");
    }

    /**
     * PUTs two parts through {@code path}, the second only once the upstream has the first, and checks both arrived
     * intact: the upload streams, whichever exchange carries it.
     */
    static void assertTheUploadStreams(ProxiedApp app, String path) throws Exception {
        byte[] part1 = Payload.bytes(PART, 1);
        byte[] part2 = Payload.bytes(PART, 2);
        CountDownLatch upstreamHasPart1 = new CountDownLatch(1);
        app.upstream().handle(ex -> {
            byte[] first = ex.body().readNBytes(PART);
            if (Arrays.equals(part1, first)) {
                upstreamHasPart1.countDown();
            }
            byte[] rest = ex.body().readAllBytes();
            ex.respond(200, "OK", new byte[0], "X-Part1-Intact: " + Arrays.equals(part1, first),
                    "X-Part2-Intact: " + Arrays.equals(part2, rest));
        });

        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.of("PUT", path).header("Content-Length", Integer.toString(2 * PART)));
            c.write(part1);
            Await.latch(upstreamHasPart1, EVIDENCE_WAIT, "the upstream receiving part 1 before part 2 was sent");
            c.write(part2);
            RawResponse r = c.readResponse("PUT");

            assertEquals(200, r.status(), r::toString);
            assertEquals("true", r.header("X-Part1-Intact"));
            assertEquals("true", r.header("X-Part2-Intact"));
        }
    }

    @ContainerTest
    void theUpstreamReceivesTheFirstChunkOfAChunkedUploadBeforeTheNextIsSent(ProxiedApp app) throws Exception {
        byte[] part1 = Payload.bytes(PART, 3);
        byte[] part2 = Payload.bytes(PART, 4);
        CountDownLatch upstreamHasPart1 = new CountDownLatch(1);
        AtomicLong received = new AtomicLong();
        app.upstream().handle(ex -> {
            byte[] first = new byte[PART];
            for (int n, off = 0; off < PART && (n = ex.body().read(first, off, PART - off)) >= 0; off += n) {
                received.addAndGet(n);
            }
            if (Arrays.equals(part1, first)) {
                upstreamHasPart1.countDown();
            }
            byte[] rest = ex.body().readAllBytes();
            ex.respond(200, "OK", new byte[0], "X-Part2-Intact: " + Arrays.equals(part2, rest));
        });

        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.of("POST", "/ctx/api/stream").header("Transfer-Encoding", "chunked"));
            c.write(chunk(part1));
            Await.latch(upstreamHasPart1, EVIDENCE_WAIT, "the upstream receiving chunk 1 before chunk 2 was sent",
                    () -> "the upstream has " + received + " of its " + PART + " bytes");
            c.write(chunk(part2));
            c.write("0\r\n\r\n");
            RawResponse r = c.readResponse("POST");

            assertEquals(200, r.status(), r::toString);
            assertEquals("true", r.header("X-Part2-Intact"));
        }
    }

    @ContainerTest
    void theClientReceivesTheFirstEventBeforeTheUpstreamSendsTheSecond(ProxiedApp app) throws Exception {
        CountDownLatch clientHasEvent1 = new CountDownLatch(1);
        AtomicBoolean secondSentAfterClientSawFirst = new AtomicBoolean();
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Type: text/event-stream", "Cache-Control: no-cache",
                    "Transfer-Encoding: chunked");
            BodyStreams.writeChunk(ex.out(), ascii("id: 1\ndata: one\n\n"));
            ex.out().flush();
            secondSentAfterClientSawFirst.set(Await.quietly(clientHasEvent1, EVIDENCE_WAIT));
            BodyStreams.writeChunk(ex.out(), ascii("id: 2\ndata: two\n\n"));
            BodyStreams.writeLastChunk(ex.out());
        });
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(app.uri("/ctx/api/events"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream events = r.body()) {
            String first = BodyStreams.readEvent(events);
            clientHasEvent1.countDown();
            String second = BodyStreams.readEvent(events);

            assertEquals("text/event-stream", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
            assertEquals("id: 1\ndata: one\n\n", first);
            assertEquals("id: 2\ndata: two\n\n", second);
            assertTrue(secondSentAfterClientSawFirst.get(),
                    "the upstream had to send event 2 before the client had event 1: the proxy held event 1 back");
        }
    }

    @ContainerTest
    void theClientReceivesTheFirstPartOfAFixedLengthDownloadBeforeTheUpstreamSendsTheRest(ProxiedApp app)
            throws Exception {
        byte[] part1 = Payload.bytes(PART, 5);
        byte[] part2 = Payload.bytes(PART, 6);
        CountDownLatch clientHasPart1 = new CountDownLatch(1);
        AtomicBoolean restSentAfterClientSawFirst = new AtomicBoolean();
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Type: application/octet-stream", "Content-Length: " + 2 * PART);
            ex.out().write(part1);
            ex.out().flush();
            restSentAfterClientSawFirst.set(Await.quietly(clientHasPart1, EVIDENCE_WAIT));
            ex.out().write(part2);
        });

        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.get("/ctx/api/file"));
            InputStream body = c.body(c.readHead(), "GET");
            byte[] first = body.readNBytes(PART);
            clientHasPart1.countDown();
            byte[] rest = body.readAllBytes();

            assertArrayEquals(part1, first);
            assertArrayEquals(part2, rest);
            assertTrue(restSentAfterClientSawFirst.get(),
                    "the upstream had to send the rest before the client had the first part");
        }
    }

    private static byte[] chunk(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BodyStreams.writeChunk(out, data, 0, data.length);
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
