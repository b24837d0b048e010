package dev.streamproxy.it.upstream;

import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A route's background work (idle-connection eviction, DNS refresh, health checks, the upload watch) runs on one
 * thread, {@code streamproxy-<route>}, per filter; stopping the application must end every one of them, or each
 * redeploy would leave threads (and with them the old class loader) behind. A second {@link FleetApp} is started
 * beside the matrix's own, used, and stopped: the count of threads with the routes' names goes up by one per route
 * and comes back to where it was.
 */
class FleetLifecycleIT {

    @FleetTest
    void stoppingTheApplicationLeavesNoFilterThreadBehind(FleetApp shared, HostKind kind) throws Exception {
        Set<String> names = FleetApp.ROUTES.stream().map(r -> "streamproxy-" + r).collect(Collectors.toSet());
        long before = routeThreads(names);

        FleetApp app = FleetApp.start(kind);
        try {
            RawResponse r = app.send(RawRequest.get("/ctx/rr/x"));
            assertEquals(200, r.status(), r::toString);
            assertEquals(before + FleetApp.ROUTES.size(), routeThreads(names), "one thread per route");
            app.awaitQuiet(FleetMatrix.QUIET_DEADLINE);
        } finally {
            app.close();
        }

        Await.until(Duration.ofSeconds(10), "the stopped application's route threads ended",
                () -> routeThreads(names) == before, () -> routeThreads(names) + " threads, " + before + " before");
    }

    private static long routeThreads(Set<String> names) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && names.contains(t.getName())).count();
    }
}
