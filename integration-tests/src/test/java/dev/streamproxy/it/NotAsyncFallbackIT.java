package dev.streamproxy.it;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.BodyStreams;
import dev.streamproxy.it.support.ContainerTest;
import dev.streamproxy.it.support.ProxiedApp;
import dev.streamproxy.it.support.ProxyThreads;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.Route;
import dev.streamproxy.it.support.log.RecordedLogs;
import org.slf4j.event.Level;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The non-blocking exchange and its fallback. On an ordinary route an open event stream (a request that accepts
 * {@code text/event-stream}) holds no container thread;
 * behind a filter that is not async-supported (as in a {@code web.xml} that never says so) the same exchange runs
 * with blocking servlet I/O on the container's thread, streams both ways all the same, and the route says once,
 * in a WARN naming the fix, why its exchanges hold a thread.
 */
@Route(name = "sync", behindBlockingFilter = true)
@Route(name = "syncwarn", behindBlockingFilter = true)
class NotAsyncFallbackIT {

    private static final Duration EVIDENCE_WAIT = Duration.ofSeconds(10);
    private static final String FILTER_LOGGER = "dev.streamproxy.ProxyFilter";

    @ContainerTest
    void anOpenEventStreamHoldsNoContainerThreadWhileItWaitsForTheNextEvent(ProxiedApp app) throws Exception {
        int inside = threadsInsideWhileTheStreamWaits(app, "/ctx/api/events");

        assertEquals(0, inside, "a container thread stayed in the proxy while the stream waited for its event 2");
    }

    @ContainerTest
    void behindANonAsyncFilterTheStreamHoldsTheContainerThreadAndStillStreams(ProxiedApp app) throws Exception {
        int inside = threadsInsideWhileTheStreamWaits(app, "/ctx/sync/events");

        assertEquals(1, inside, "the blocking fallback runs the exchange on the request's own container thread");
    }

    @ContainerTest
    void behindANonAsyncFilterAnUploadStillReachesTheUpstreamAsItArrives(ProxiedApp app) throws Exception {
        StreamingIT.assertTheUploadStreams(app, "/ctx/sync/stream");
    }

    @ContainerTest
    void theRouteSaysOnceWhyItsExchangesHoldAThreadAndHowToFixIt(ProxiedApp app) throws Exception {
        // the log is the JVM's: the other hosts' routes of the same name may have said it already
        var before = RecordedLogs.events(Level.WARN, FILTER_LOGGER, "[syncwarn]");
        assertEquals(200, app.send(RawRequest.get("/ctx/syncwarn/one").header("Accept", "text/event-stream")).status());
        assertEquals(200, app.send(RawRequest.get("/ctx/syncwarn/two").header("Accept", "text/event-stream")).status());

        var warnings = new java.util.ArrayList<>(RecordedLogs.events(Level.WARN, FILTER_LOGGER, "[syncwarn]"));
        warnings.removeAll(before);
        assertEquals(1, warnings.size(), () -> "one WARN for the route, got " + warnings);
        assertTrue(warnings.get(0).message().contains("<async-supported>true</async-supported>"),
                warnings.get(0)::message);
    }

    /**
     * Opens an event stream through {@code path}, reads its first event, and counts the container threads inside
     * the proxy while the upstream holds event 2 back; then lets it go and checks the stream's end.
     */
    private static int threadsInsideWhileTheStreamWaits(ProxiedApp app, String path) throws Exception {
        CountDownLatch counted = new CountDownLatch(1);
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Type: text/event-stream", "Transfer-Encoding: chunked");
            BodyStreams.writeChunk(ex.out(), ascii("data: one\n\n"));
            ex.out().flush();
            Await.quietly(counted, EVIDENCE_WAIT);
            BodyStreams.writeChunk(ex.out(), ascii("data: two\n\n"));
            BodyStreams.writeLastChunk(ex.out());
        });
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(app.uri(path))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream events = r.body()) {
            assertEquals("data: one\n\n", BodyStreams.readEvent(events));
            int inside = ProxyThreads.inside().size();
            counted.countDown();
            assertEquals("data: two\n\n", BodyStreams.readEvent(events), "the stream's second event");
            return inside;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

}
