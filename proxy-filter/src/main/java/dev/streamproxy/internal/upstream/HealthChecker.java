package dev.streamproxy.internal.upstream;

import dev.streamproxy.internal.client.UpstreamClient;
import dev.streamproxy.internal.client.UpstreamLink;
import dev.streamproxy.internal.client.UpstreamResponse;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * Active health checks ({@code healthCheckPath}): a GET of the path on every target. 2xx or 3xx within the client's
 * connect and response timeouts is healthy; any other answer or failure ejects the target until a check passes. A
 * target whose pool has no free connection is not judged this round: busy is not unhealthy.
 *
 * <p>{@link #run()} only starts the round, on the route's scheduler thread; each check blocks on its own thread
 * from {@code checks}, so a target that accepts and never answers holds up neither the other targets' checks nor
 * the scheduler's other work (DNS refresh, idle connections, tunnel timeouts). A target whose previous check is
 * still running is skipped this round.
 */
final class HealthChecker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);
    /** A check answer larger than this is not read to its end; its connection is discarded instead. */
    private static final int MAX_BODY = 64 * 1024;

    private final String name;
    private final TargetSet targets;
    private final UpstreamClient client;
    private final String path;
    private final ExecutorService checks;
    private final Set<Target> running = ConcurrentHashMap.newKeySet();

    HealthChecker(String name, TargetSet targets, UpstreamClient client, String path, ExecutorService checks) {
        this.name = name;
        this.targets = targets;
        this.client = client;
        this.path = path;
        this.checks = checks;
    }

    @Override
    public void run() {
        for (Target t : targets.all()) {
            if (t.isDraining() || !running.add(t)) {
                continue;
            }
            try {
                checks.execute(() -> checkAndRecord(t));
            } catch (RejectedExecutionException e) {
                running.remove(t); // the route is closing
            }
        }
    }

    private void checkAndRecord(Target t) {
        try {
            Boolean healthy = check(t);
            if (healthy != null) {
                boolean was = !t.health().isEjected(System.currentTimeMillis());
                t.health().onCheck(healthy, System.currentTimeMillis());
                if (was != healthy) {
                    LOG.info("[{}] health check of {} {}: {}", name, t, path, healthy ? "healthy again" : "ejected");
                }
            }
        } finally {
            running.remove(t);
        }
    }

    /** @return true or false, or null when the check could not be made (no free connection) */
    private Boolean check(Target t) {
        BasicClassicHttpRequest get = new BasicClassicHttpRequest("GET", (String) null);
        get.setPath(path); // on the target host as given, not under the base path: like nginx's health_check uri
        get.setHeader("Host", t.configured().authority());
        get.setHeader("User-Agent", "streamproxy-health-check");
        try (UpstreamResponse r = client.send(t.endpoint(), get, new UpstreamLink())) {
            drain(r);
            return r.code() >= 200 && r.code() < 400;
        } catch (dev.streamproxy.internal.client.PoolTimeoutException busy) {
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.debug("[{}] health check of {} failed: {}", name, t, e.toString());
            return false;
        }
    }

    private static void drain(UpstreamResponse r) throws IOException {
        InputStream body = r.body();
        if (body == null) {
            return;
        }
        byte[] sink = new byte[4096];
        int total = 0;
        int n;
        while (total <= MAX_BODY && (n = body.read(sink)) >= 0) {
            total += n;
        }
    }
}
