package dev.streamproxy.boot;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Scenario 4: events are streamed, not buffered. The upstream sends event 1 and then blocks until the test opens
 * a gate; a proxy (or a Boot filter) that held the response back could only deliver event 1 after the gate opened,
 * which the test does only once it has event 1 in hand.
 */
class ServerSentEventsTest extends ProxiedAppTest {

    @Test
    void eachEventReachesTheClientBeforeTheUpstreamSendsTheNext() throws Exception {
        CountDownLatch gate = upstream.eventGate();

        HttpResponse<InputStream> response = send(request("/api/events").header("Accept", "text/event-stream"),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElse(null));

        try (BufferedReader events = new BufferedReader(
                new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            // the gate is still closed here, so event 1 can only have come through while the upstream waits
            assertEquals(List.of("id: 1", "data: first"), nextEvent(events));
            gate.countDown();
            assertEquals(List.of("id: 2", "data: second"), nextEvent(events),
                    "'gate never opened': event 1 arrived only after the upstream gave up waiting, so it was held back");
            assertNull(events.readLine(), "the stream ends after event 2");
        }
    }

    /** @return the lines of the next event, read up to its blank line */
    private static List<String> nextEvent(BufferedReader events) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String line; (line = events.readLine()) != null && !line.isEmpty(); ) {
            lines.add(line);
        }
        return lines;
    }
}
