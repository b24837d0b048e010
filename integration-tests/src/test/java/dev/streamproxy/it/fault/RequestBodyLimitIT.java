package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.BodyStreams;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;

import java.io.ByteArrayOutputStream;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code maxRequestBodySize} (the {@code limit} route: {@code 1KiB}, declared as an init-param): a declared length
 * over the limit gets 413 before the upstream is contacted; a chunked body that grows past it aborts the upstream
 * exchange (the upstream never sees a complete request) and the client gets 413; a body exactly at the limit passes.
 */
class RequestBodyLimitIT {

    private static final int ATTEMPTS = 5;

    @FaultTest
    void aDeclaredLengthOverTheLimitGets413WithoutContactingTheUpstream(FaultApp app) throws Exception {
        int connectionsBefore = app.upstream().connectionsAccepted();

        RawResponse r = app.send(RawRequest.of("POST", "/ctx/limit/upload").body(Payload.bytes(FaultApp.LIMIT + 1, 6)));

        assertEquals(413, r.status(), r::toString);
        assertTrue(r.text().length() < 100, r::text);
        assertEquals(0, app.upstream().requestCount(), "the upstream received the request");
        assertEquals(connectionsBefore, app.upstream().connectionsAccepted(), "the upstream was contacted");
    }

    @FaultTest
    void aChunkedBodyGrowingPastTheLimitAbortsTheUpstreamExchangeAndGets413(FaultApp app) throws Exception {
        // whether the upstream can still read a wrongly sent last chunk before the proxy's reset arrives is a race,
        // so the scenario is repeated: any attempt that completes upstream proves the body was ended as if whole
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            UploadWatch watch = UploadWatch.on(app.upstream());
            int arrivalsBefore = app.upstream().requestCount();
            RawResponse r;
            try (ClientConnection c = app.connect()) {
                c.send(RawRequest.of("POST", "/ctx/limit/upload").header("Transfer-Encoding", "chunked"));
                ByteArrayOutputStream chunks = new ByteArrayOutputStream();
                for (int i = 0; i < 3; i++) {
                    BodyStreams.writeChunk(chunks, Payload.bytes(FaultApp.LIMIT / 2, 10 + i));
                }
                BodyStreams.writeLastChunk(chunks);
                c.write(chunks.toByteArray());
                r = c.readResponse("POST");
            }

            assertEquals(413, r.status(), r::toString);
            if (!arrived(app, arrivalsBefore)) {
                continue; // aborted before even the request head left the proxy: the upstream saw nothing
            }
            String outcome = watch.awaitEnd(Duration.ofSeconds(10));
            int n = attempt;
            assertTrue(outcome.startsWith("failed"), () -> "attempt " + n + ": the upstream must see the exchange "
                    + "aborted, but read a complete request (" + outcome + "): the proxy ended the chunked body "
                    + "it had cut off at the limit");
            assertTrue(watch.received.get() <= FaultApp.LIMIT, "more than the limit went upstream: " + outcome);
            app.awaitNoLeasedConnections(Duration.ofSeconds(5));
        }
    }

    /** Whether a request head reached the upstream (it would have by now, the proxy having already answered). */
    private static boolean arrived(FaultApp app, int arrivalsBefore) {
        long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
        while (System.nanoTime() < deadline) {
            if (app.upstream().requestCount() > arrivalsBefore) {
                return true;
            }
            Thread.onSpinWait();
        }
        return app.upstream().requestCount() > arrivalsBefore;
    }

    @FaultTest
    void bodiesExactlyAtTheLimitPassWhetherDeclaredOrChunked(FaultApp app) throws Exception {
        byte[] body = Payload.bytes(FaultApp.LIMIT, 7);

        RawResponse declared = app.send(RawRequest.of("POST", "/ctx/limit/upload").body(body));
        assertEquals(200, declared.status(), declared::toString);
        assertEquals(Payload.digest(body), app.upstream().takeRequest().digest());

        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        BodyStreams.writeChunk(chunks, body, 0, 700);
        BodyStreams.writeChunk(chunks, body, 700, body.length - 700);
        BodyStreams.writeLastChunk(chunks);
        RawResponse chunked = app.send(RawRequest.of("POST", "/ctx/limit/upload")
                .header("Transfer-Encoding", "chunked").body(chunks.toByteArray()));
        assertEquals(200, chunked.status(), chunked::toString);
        RecordedRequest up = app.upstream().takeRequest();
        assertEquals(Payload.digest(body), up.digest());
    }
}
