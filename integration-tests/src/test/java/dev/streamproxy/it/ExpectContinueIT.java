package dev.streamproxy.it;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.ContainerTest;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.ProxiedApp;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;
import dev.streamproxy.it.support.Upstream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Expect: 100-continue}: where the interim 100 comes from differs by container (see CONTAINER-NOTES.md), but
 * in every host the client that waits for it gets it, the upload completes, and the upstream sees the expectation.
 */
class ExpectContinueIT {

    @ContainerTest
    void aClientThatWaitsFor100ContinueGetsItAndItsUploadArrivesIntact(ProxiedApp app) throws Exception {
        CountDownLatch clientHasInterim = new CountDownLatch(1);
        AtomicBoolean upstreamContinued = new AtomicBoolean();
        AtomicBoolean clientContinuedFirst = new AtomicBoolean();
        app.upstream().handle(ex -> {
            if (app.kind().isTomcat()) {
                // Tomcat must answer 100 on its own, while the upstream has not said a word
                clientContinuedFirst.set(Await.quietly(clientHasInterim, Duration.ofSeconds(10)));
            }
            upstreamContinued.set(true);
            ex.out().write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            ex.out().flush();
            Upstream.echo(ex);
        });

        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.of("POST", "/ctx/api/expect")
                    .header("Content-Length", "5").header("Expect", "100-continue"));
            HttpHead interim = c.readHead(); // bounded by the connection's read timeout
            boolean upstreamHadContinued = upstreamContinued.get();
            clientHasInterim.countDown();
            c.write("hello");
            RawResponse r = c.readResponse("POST");

            assertTrue(interim.startLine().startsWith("HTTP/1.1 100"), interim::toString);
            if (app.kind().isTomcat()) {
                // continueResponseTiming=immediately: 100 as soon as Tomcat has the request, before any filter
                assertTrue(clientContinuedFirst.get(), "Tomcat sent 100 only after the upstream agreed");
            } else {
                // Jetty sends 100 when the application first reads the body, which the proxy does only once
                // the upstream has agreed with its own 100
                assertTrue(upstreamHadContinued, "Jetty sent 100 before the upstream agreed");
            }
            assertEquals(200, r.status(), r::toString);
            RecordedRequest up = app.upstream().takeRequest();
            assertEquals("hello", up.bodyText());
            assertEquals(List.of("100-continue"), up.headers("Expect"));
        }
    }
}
