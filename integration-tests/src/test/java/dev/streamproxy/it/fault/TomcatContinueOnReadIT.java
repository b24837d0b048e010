package dev.streamproxy.it.fault;

import dev.streamproxy.ProxyConfig;
import dev.streamproxy.ProxyFilter;
import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;
import dev.streamproxy.it.support.Upstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Tomcat setting the README recommends, {@code continueResponseTiming="onRead"}, makes Tomcat behave like Jetty
 * for {@code Expect: 100-continue}: the client's 100 is sent only when the filter reads the body, which it does only
 * once the upstream has agreed, so an upstream's early refusal reaches a waiting client before it uploads anything.
 * With Tomcat's default ({@code immediately}) the client would have been told to upload at once (see
 * {@link EarlyFinalAnswerIT}). Runs in the Tomcat executions only.
 */
class TomcatContinueOnReadIT {

    private Upstream upstream;
    private ProxyFilter proxy;
    private OnReadTomcat tomcat;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(HostKind.enabled().stream().anyMatch(HostKind::isTomcat), "needs Tomcat on the classpath");
        upstream = Upstream.start();
        proxy = new ProxyFilter(ProxyConfig.builder().targetUri(upstream.uri("/svc").toString()).prefix("/api")
                .responseTimeout(Duration.ofSeconds(10)).build());
        tomcat = OnReadTomcat.start(proxy);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (proxy != null) {
                FaultApp.awaitNoThreadInsideTheProxy(Duration.ofSeconds(10));
                dev.streamproxy.it.support.Await.until(Duration.ofSeconds(10), "zero leased connections",
                        () -> proxy.poolStatistics().leased() == 0, proxy::poolStatistics);
            }
        } finally {
            if (tomcat != null) {
                tomcat.close();
            }
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    @Test
    void aWaitingClientGetsTheUpstreamsEarlyRefusalWithoutUploading() throws Exception {
        AtomicInteger bodyBytesSeen = new AtomicInteger(-1);
        upstream.handle(ex -> {
            ex.respond(417, "Expectation Failed", "no\n".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(300);
            bodyBytesSeen.set(ex.body().available());
            ex.closeAfter();
        });

        try (ClientConnection c = ClientConnection.open(tomcat.port())) {
            c.send(RawRequest.of("POST", "/ctx/api/upload").header("Content-Length", "100000")
                    .header("Expect", "100-continue"));
            HttpHead first = c.readHead();

            assertTrue(first.startLine().startsWith("HTTP/1.1 417"), "the waiting client must get the refusal, "
                    + "not a 100: " + first.startLine());
        }
        dev.streamproxy.it.support.Await.until(Duration.ofSeconds(5), "the upstream's check",
                () -> bodyBytesSeen.get() >= 0, bodyBytesSeen::get);
        assertEquals(0, bodyBytesSeen.get(), "body bytes went upstream after its refusal");
    }

    @Test
    void theClientsContinueFollowsTheUpstreamsAndTheUploadArrivesIntact() throws Exception {
        AtomicBoolean upstreamContinued = new AtomicBoolean();
        upstream.handle(ex -> {
            Thread.sleep(500);
            upstreamContinued.set(true);
            ex.out().write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            ex.out().flush();
            Upstream.echo(ex);
        });

        try (ClientConnection c = ClientConnection.open(tomcat.port())) {
            c.send(RawRequest.of("PUT", "/ctx/api/expect").header("Content-Length", "5")
                    .header("Expect", "100-continue"));
            HttpHead interim = c.readHead();
            boolean afterUpstream = upstreamContinued.get();
            c.write("hello");
            RawResponse r = c.readResponse("PUT");

            assertTrue(interim.startLine().startsWith("HTTP/1.1 100"), interim::toString);
            assertTrue(afterUpstream, "Tomcat (onRead) sent 100 before the upstream agreed");
            assertEquals(200, r.status(), r::toString);
        }
        RecordedRequest up = upstream.takeRequest();
        assertEquals("hello", up.bodyText());
    }
}
