package dev.streamproxy.it.observe;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;

import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code serverTiming=true}: {@code upstream;dur=X, proxy;dur=Y} is appended after the upstream's own
 * {@code Server-Timing} entries. The upstream holds its answer on a latch the test releases only after it has seen
 * the request arrive; the time the test held it is a lower bound of the upstream's share, because all of it passed
 * between the proxy's first try and the upstream's response head.
 */
class ServerTimingIT {

    private static final Pattern ENTRY = Pattern.compile("(upstream|proxy);dur=(\\d+\\.\\d)");

    @ObserveTest
    void theProxysEntriesFollowTheUpstreamsOwnAndTheUpstreamShareCoversTheHold(ObserveApp app) throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            arrived.countDown();
            if (!Await.quietly(release, Duration.ofSeconds(20))) {
                ex.closeAfter();
                return;
            }
            ex.respond(200, "OK", "timed\n".getBytes(StandardCharsets.US_ASCII), "Server-Timing: db;dur=5");
        });

        RawResponse r;
        long holdNanos;
        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.get(app.path("/timing/report")));
            try {
                Await.latch(arrived, Duration.ofSeconds(10), "the request reaching the upstream");
                long held = System.nanoTime();
                // while the upstream holds its head, the client has nothing: the proxy does not answer by itself
                c.socket().setSoTimeout(200);
                assertThrows(SocketTimeoutException.class, () -> c.socket().getInputStream().read(),
                        "the client got bytes before the upstream answered");
                c.socket().setSoTimeout(20_000);
                holdNanos = System.nanoTime() - held;
            } finally {
                release.countDown();
            }
            r = c.readResponse("GET");
        }

        assertEquals(200, r.status(), r::toString);
        List<String> entries = entries(r.headers("Server-Timing"));
        assertEquals(3, entries.size(), () -> "Server-Timing entries: " + entries);
        assertEquals("db;dur=5", entries.get(0), "the upstream's own entry comes first, unchanged");
        double upstream = duration(entries.get(1), "upstream");
        double proxy = duration(entries.get(2), "proxy");
        double holdMillis = holdNanos / 1_000_000.0;
        assertTrue(upstream > 0, "upstream;dur=" + upstream);
        assertTrue(proxy >= 0, "proxy;dur=" + proxy);
        assertTrue(upstream >= holdMillis - 1, "upstream;dur=" + upstream + " ms, but the test alone held the upstream's"
                + " answer for " + holdMillis + " ms after the request had reached it");
    }

    @ObserveTest
    void anUpstreamWithoutServerTimingGetsTheProxysEntriesAlone(ObserveApp app) throws Exception {
        RawResponse r = app.send(RawRequest.get(app.path("/timing/plain")));

        assertEquals(200, r.status(), r::toString);
        List<String> entries = entries(r.headers("Server-Timing"));
        assertEquals(2, entries.size(), () -> "Server-Timing entries: " + entries);
        assertTrue(duration(entries.get(0), "upstream") >= 0);
        assertTrue(duration(entries.get(1), "proxy") >= 0);
    }

    @ObserveTest
    void withoutServerTimingTheUpstreamsHeaderPassesAloneAndUnchanged(ObserveApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.respond(200, "OK", new byte[0], "Server-Timing: db;dur=5");
        });

        RawResponse r = app.send(RawRequest.get(app.path("/ids/untimed")));

        assertEquals(200, r.status(), r::toString);
        assertEquals(List.of("db;dur=5"), r.headers("Server-Timing"), r::toString);
    }

    /** Every entry of every {@code Server-Timing} field line, in order (the lines are one comma-separated list). */
    private static List<String> entries(List<String> fieldLines) {
        return fieldLines.stream().flatMap(l -> Arrays.stream(l.split(","))).map(String::strip).toList();
    }

    private static double duration(String entry, String name) {
        Matcher m = ENTRY.matcher(entry);
        assertTrue(m.matches(), () -> "not '<name>;dur=<one-decimal number>': " + entry);
        assertEquals(name, m.group(1), entry);
        return Double.parseDouble(m.group(2));
    }
}
