package dev.streamproxy.it.upstream;

import dev.streamproxy.RouteStatistics;
import dev.streamproxy.TargetState;
import dev.streamproxy.TargetStatistics;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A target with nothing listening on its port costs the clients nothing: a refused connect sent nothing, so the
 * exchange is tried again on another target whatever its method (a POST as well as a GET), and after
 * {@code maxFails} (3) refusals in a row the target is ejected, which the route's statistics show. When every target
 * is down the client gets 502 after one try on each (maxRetries 2: three tries, each on a target not tried yet),
 * within a bound derived from the route's connectTimeout (tries times the timeout, plus a margin), never after a
 * wait of its own.
 */
class TargetDownIT {

    @FleetTest
    void aTargetWithNothingListeningCostsNoClientErrorForAGetOrAPost(FleetApp app) throws Exception {
        Set<String> methodsTriedOnTheDeadTarget = new TreeSet<>();
        try (KeepAliveClient client = app.client()) {
            for (int i = 0; i < 30; i++) {
                boolean post = i % 2 == 0;
                long deadBefore = app.target("down", FleetApp.DEAD).exchanges();
                RawResponse r = client.send(post
                        ? RawRequest.of("POST", "/ctx/down/orders?i=" + i).body("order " + i)
                        : RawRequest.get("/ctx/down/orders?i=" + i));

                assertEquals(200, r.status(), () -> (post ? "POST " : "GET ") + r);
                if (post) {
                    assertEquals(Integer.toString(("order " + i).length()), r.header("X-Echo-Length"), r::toString);
                }
                if (app.target("down", FleetApp.DEAD).exchanges() > deadBefore) {
                    methodsTriedOnTheDeadTarget.add(post ? "POST" : "GET");
                }
            }
        }

        TargetStatistics dead = app.target("down", FleetApp.DEAD);
        assertEquals(Set.of("GET", "POST"), methodsTriedOnTheDeadTarget,
                "the requests whose first try went to the dead target (retried, since all got 200)");
        assertEquals(TargetState.EJECTED, dead.state(), dead::toString);
        assertEquals(3, dead.failures(), () -> "maxFails refusals, then no more tries: " + dead);
        assertEquals(3, dead.exchanges(), dead::toString);
        assertEquals(1, dead.ejections(), dead::toString);
        assertEquals(3, app.statistics("down").retries(), "one retry per refused try");
        assertEquals(30, app.totalRequests(), () -> "every request reached the live upstreams exactly once: "
                + app.requestCounts());
        assertEquals(0, app.upstream(3).requestCount(), "127.0.0.3 is not a target of the route");
    }

    @FleetTest
    void whenEveryTargetIsDownTheClientGets502AfterOneTryOnEachWithinTheConnectTimeouts(FleetApp app)
            throws Exception {
        int tries = 3; // maxRetries 2
        Duration bound = FleetApp.ALL_DOWN_CONNECT_TIMEOUT.multipliedBy(tries).plusSeconds(2);
        RouteStatistics before = app.statistics("alldown");

        long start = System.nanoTime();
        RawResponse get = app.send(RawRequest.get("/ctx/alldown/x"));
        Duration getTook = Duration.ofNanos(System.nanoTime() - start);
        start = System.nanoTime();
        RawResponse post = app.send(RawRequest.of("POST", "/ctx/alldown/x").body("payload"));
        Duration postTook = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(502, get.status(), get::toString);
        assertEquals(502, post.status(), post::toString);
        assertTrue(getTook.compareTo(bound) < 0, () -> "the GET took " + getTook + ", more than " + bound);
        assertTrue(postTook.compareTo(bound) < 0, () -> "the POST took " + postTook + ", more than " + bound);
        RouteStatistics after = app.statistics("alldown");
        assertEquals(2 * (tries - 1), after.retries() - before.retries(), "retries of the two requests");
        for (int octet : new int[] {5, 6, 7}) {
            TargetStatistics t = app.target("alldown", octet);
            assertEquals(2, t.exchanges(), () -> "each request tried each target once: " + after.targets());
            assertEquals(2, t.failures(), t::toString);
        }
        assertEquals(0, app.totalRequests());
    }
}
