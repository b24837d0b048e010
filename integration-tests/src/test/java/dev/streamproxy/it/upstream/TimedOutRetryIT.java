package dev.streamproxy.it.upstream;

import dev.streamproxy.RouteStatistics;
import dev.streamproxy.TargetStatistics;
import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.log.RecordedLogs;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A try that failed after the request was sent (here: no head within responseTimeout) is tried again only on a
 * target not tried yet, and once every target has been tried the exchange ends with the status of its last failure;
 * only a failure that sent nothing (a refused connect) may go to a target already tried.
 *
 * <ul>
 * <li>route {@code stall1} (one target, responseTimeout {@link FleetApp#STALL_RESPONSE_TIMEOUT}, maxRetries 2): a GET
 *     the target never answers reaches it once and gets 504 in less than twice the responseTimeout, which a retry
 *     on the same target could not;</li>
 * <li>route {@code stall3} (three targets, maxRetries 3, one more than the other targets): each target sees the GET
 *     exactly once, then 504;</li>
 * <li>route {@code refused1} (one dead target, maxRetries 2): a refused connect sent nothing and is still retried on
 *     that target, 1 + maxRetries tries, for a GET and a POST alike;</li>
 * <li>the filter's WARN line for a failed exchange names each target once per try, never
 *     {@code http://127.0.0.1:P http://127.0.0.1:P: SocketTimeoutException}.</li>
 * </ul>
 */
class TimedOutRetryIT {

    /** The filter's own logger, where a failed exchange is reported. */
    private static final String FILTER_LOGGER = "dev.streamproxy.ProxyFilter";
    private static final Duration LOG_DEADLINE = Duration.ofSeconds(5);

    @FleetTest
    void aGetTimedOutOnTheOnlyTargetIsNotRetriedThereAndGets504WithinTwiceTheResponseTimeout(FleetApp app)
            throws Exception {
        // the route's first exchange warms the path up, so that the timing below measures tries, not class loading
        assertEquals(200, app.send(RawRequest.get("/ctx/stall1/warm-up")).status());
        int before = app.upstream(1).requestCount();
        app.handleAll(Handlers::neverAnswer);
        Duration bound = FleetApp.STALL_RESPONSE_TIMEOUT.multipliedBy(2);

        long start = System.nanoTime();
        RawResponse r = app.send(RawRequest.get("/ctx/stall1/items/1"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        int tries = app.upstream(1).requestCount() - before;
        assertAll(r.toString(),
                () -> assertEquals(504, r.status(), "the status of the one try's failure"),
                () -> assertEquals(1, tries, "a GET that timed out was sent again to the target that timed out"),
                () -> assertTrue(took.compareTo(bound) < 0, "the client waited " + took + ", not less than twice "
                        + "the responseTimeout (" + bound + "): the timed-out GET was tried again on the same target"));
    }

    @FleetTest
    void aGetTimedOutOnEveryTargetReachesEachOnceAndGets504(FleetApp app) throws Exception {
        app.handleAll(Handlers::neverAnswer);
        long retriesBefore = app.statistics("stall3").retries();

        RawResponse r = app.send(RawRequest.get("/ctx/stall3/items/1"));

        List<Integer> counts = app.requestCounts();
        assertAll(r + "\nrequests per upstream: " + counts,
                () -> assertEquals(504, r.status(), "the status of the last try's failure"),
                () -> assertEquals(List.of(1, 1, 1), counts, "GETs that reached 127.0.0.1, .2 and .3: a target "
                        + "that timed out was tried again (maxRetries 3 would allow it)"),
                () -> assertEquals(2, app.statistics("stall3").retries() - retriesBefore, "retries"));
    }

    @FleetTest
    void aRefusedConnectOnTheOnlyTargetIsStillRetriedThereForAGetAndAPost(FleetApp app) throws Exception {
        RouteStatistics before = app.statistics("refused1");
        long exchangesBefore = app.target("refused1", FleetApp.DEAD).exchanges();

        RawResponse get = app.send(RawRequest.get("/ctx/refused1/items/1"));
        RawResponse post = app.send(RawRequest.of("POST", "/ctx/refused1/orders").body("order"));

        TargetStatistics dead = app.target("refused1", FleetApp.DEAD);
        assertAll(dead.toString(),
                () -> assertEquals(502, get.status(), get::toString),
                () -> assertEquals(502, post.status(), post::toString),
                () -> assertEquals(2 * 2, app.statistics("refused1").retries() - before.retries(),
                        "retries of the two requests: maxRetries 2 each, all on the one target"),
                () -> assertEquals(2 * 3, dead.exchanges() - exchangesBefore, "tries of the two requests"),
                () -> assertEquals(0, app.totalRequests(), "nothing listens there"));
    }

    @FleetTest
    void theWarningForAFailedExchangeNamesEachTargetOncePerTry(FleetApp app) throws Exception {
        app.handleAll(Handlers::neverAnswer);
        String path = "/ctx/stall3/warned/" + UUID.randomUUID();

        RawResponse r = app.send(RawRequest.get(path));

        assertEquals(504, r.status(), r::toString);
        String warning = awaitWarning(path);
        List<Integer> tries = app.requestCounts();
        assertAll(warning + "\ntries per target: " + tries,
                () -> assertEquals((int) tries.get(0), mentions(warning, app.address(1)), "mentions of 127.0.0.1"),
                () -> assertEquals((int) tries.get(1), mentions(warning, app.address(2)), "mentions of 127.0.0.2"),
                () -> assertEquals((int) tries.get(2), mentions(warning, app.address(3)), "mentions of 127.0.0.3"));
    }

    /** Waits for the filter's one WARN line about {@code path} (written just after the answer, maybe). */
    private static String awaitWarning(String path) {
        Await.until(LOG_DEADLINE, "the filter's warning for " + path, () -> !warnings(path).isEmpty(),
                () -> RecordedLogs.events().stream().filter(e -> e.logger().equals(FILTER_LOGGER)).toList());
        List<RecordedLogs.LogEvent> warnings = warnings(path);
        assertEquals(1, warnings.size(), () -> "not exactly one warning: " + warnings);
        return warnings.get(0).message();
    }

    private static List<RecordedLogs.LogEvent> warnings(String path) {
        return RecordedLogs.events(Level.WARN, FILTER_LOGGER, path);
    }

    /** @return how often {@code address} ({@code 127.0.0.k:P}), alone or in a URI, occurs in {@code line} */
    private static int mentions(String line, String address) {
        Matcher m = Pattern.compile("(?<![0-9.])" + Pattern.quote(address) + "(?![0-9])").matcher(line);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
