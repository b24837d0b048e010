package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;
import dev.streamproxy.it.support.Upstream;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Expect: 100-continue} is forwarded, and no body byte goes upstream until the upstream has answered 100.
 * The upstream holds its answer for a while and counts the body bytes that reached it meanwhile: a proxy that sent
 * the body at once (or answered the client's expectation itself and streamed straight through) makes them arrive.
 *
 * <p>Where the client's own 100 comes from differs by container and is recorded: Jetty sends it when the filter opens
 * the request stream, which it does only once the upstream has agreed, so the whole chain waits for the upstream;
 * Tomcat (continueResponseTiming=immediately by default) sends it before any filter runs.
 */
class ExpectContinueHeldIT {

    /** Well below HttpCore's 3 s wait for a 100, after which a client may send the body anyway (RFC 9110 10.1.1). */
    private static final long HOLD_MS = 700;

    @FaultTest
    void noBodyByteReachesTheUpstreamBeforeItAnswers100Continue(FaultApp app) throws Exception {
        AtomicInteger bytesBeforeContinue = new AtomicInteger(-1);
        AtomicBoolean upstreamContinued = new AtomicBoolean();
        app.upstream().handle(ex -> {
            Thread.sleep(HOLD_MS); // enough for a body sent at once to arrive on loopback
            bytesBeforeContinue.set(ex.body().available());
            upstreamContinued.set(true);
            ex.out().write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            ex.out().flush();
            Upstream.echo(ex);
        });

        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.of("PUT", "/ctx/api/expect")
                    .header("Content-Length", "11").header("Expect", "100-continue"));
            HttpHead interim = c.readHead();
            boolean afterUpstream = upstreamContinued.get();
            c.write("hello world");
            RawResponse r = c.readResponse("PUT");

            Findings.record(app, "expect 100-continue", "client waits for 100",
                    "client got '" + interim.startLine() + "' " + (afterUpstream
                            ? "only after the upstream's 100 (the container sends it when the filter reads)"
                            : "before the upstream's 100 (sent by the container before the filter ran)"));
            assertTrue(interim.startLine().startsWith("HTTP/1.1 100"), interim::toString);
            assertEquals(200, r.status(), r::toString);
        }
        RecordedRequest up = app.upstream().takeRequest();
        assertEquals(List.of("100-continue"), up.headers("Expect"), "the expectation is forwarded");
        assertEquals(0, bytesBeforeContinue.get(), "body bytes reached the upstream before it answered 100");
        assertEquals("hello world", up.bodyText());
    }
}
