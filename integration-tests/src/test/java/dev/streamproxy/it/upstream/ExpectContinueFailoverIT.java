package dev.streamproxy.it.upstream;

import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Expect: 100-continue} makes a large upload safe to fail over whatever its method: until a target agrees
 * (100), no byte of the body has left the client, so a target that fails before agreeing is replaced by another
 * without any replay window. Here a 16 MiB POST (far past {@code retryBufferSize}) meets a first target that reads
 * the head and resets; the second agrees, and receives the whole body (SHA-256). The client sees exactly one
 * {@code 100} (Jetty's, sent when the filter reads the body after the second target agreed; Tomcat's own, sent at
 * once by the container) and then the second target's {@code 200}.
 */
class ExpectContinueFailoverIT {

    @FleetTest
    void aLargePostFailsOverToATargetThatAgreesAndArrivesWhole(FleetApp app, HostKind kind) throws Exception {
        long size = 16L * 1024 * 1024;
        long seed = 16;
        AtomicInteger refusedAt = new AtomicInteger();
        app.handleAll(Handlers.firstArrival(refusedAt::set, ex -> ex.reset(), Handlers::continueThenEcho));

        List<String> interim = new ArrayList<>();
        RawResponse r;
        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.of("POST", "/ctx/retry/uploads")
                    .header("Content-Length", Long.toString(size)).header("Expect", "100-continue"));
            HttpHead head = c.readHead();
            interim.add(head.startLine());
            assertEquals("100", status(head), () -> "instead of 100 Continue (" + kind + "): " + head);
            Payload.write(c.socket().getOutputStream(), size, seed, 64 * 1024);
            HttpHead last = c.readHead();
            while (status(last).startsWith("1")) {
                interim.add(last.startLine());
                last = c.readHead();
            }
            r = new RawResponse(last, c.body(last, "POST").readAllBytes());
        }

        assertEquals(1, interim.size(), () -> "interim responses: " + interim);
        assertEquals(200, r.status(), r::toString);
        Payload.Digest sent = Payload.digestOf(size, seed);
        assertEquals(Long.toString(sent.length()), r.header("X-Echo-Length"), "what the second target received");
        assertEquals(sent.sha256(), r.header("X-Echo-Sha256"), "what the second target received");
        List<Integer> counts = app.requestCounts();
        assertEquals(2, app.totalRequests(), () -> "requests per upstream: " + counts);
        assertEquals(1, counts.get(refusedAt.get() - 1), () -> "requests per upstream: " + counts);
        assertTrue(counts.stream().allMatch(n -> n <= 1), () -> "a target was tried twice: " + counts);
    }

    private static String status(HttpHead head) {
        return head.startLine().split(" ", 3)[1];
    }
}
