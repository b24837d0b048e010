package dev.streamproxy.internal.upstream;

import dev.streamproxy.PoolStatistics;
import dev.streamproxy.ProxyConfig;
import dev.streamproxy.TargetStatistics;
import dev.streamproxy.TargetUri;
import dev.streamproxy.internal.async.AsyncClient;
import dev.streamproxy.internal.client.PumpThreads;
import dev.streamproxy.internal.client.TlsContext;
import dev.streamproxy.internal.client.UpstreamClient;
import dev.streamproxy.internal.route.UpstreamTarget;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Everything upstream of one route, created in {@code init()} and closed in {@code destroy()}: its targets, the
 * pooled client, and the route's one background thread, which closes idle connections, re-resolves host names
 * every {@code dnsRefreshInterval}, and starts the rounds of active health checks (whose blocking GETs run on threads
 * of their own).
 */
public final class Upstreams implements AutoCloseable {

    private final TargetSet targets;
    private final UpstreamClient client;
    private final AsyncClient async;
    private final ScheduledExecutorService scheduler;
    /** The active health checks' blocking GETs, one thread each, never on the scheduler; null without checks. */
    private final ExecutorService healthChecks;

    /**
     * @param name   the filter's name, for log lines and the thread's name
     * @param config the validated config
     * @param tls    the route's TLS context, or null when no target is {@code https}
     */
    public Upstreams(String name, ProxyConfig config, TlsContext tls) {
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "streamproxy-" + name);
            t.setDaemon(true);
            return t;
        });
        this.client = new UpstreamClient(config, tls, scheduler, name);
        this.async = new AsyncClient(config, scheduler);
        List<TargetSet.Spec> specs = new ArrayList<>();
        for (TargetUri t : config.targets()) {
            specs.add(new TargetSet.Spec(new UpstreamTarget(t.uri()), t.weight()));
        }
        this.targets = new TargetSet(name, specs, config.resolver(), config.loadBalancing(), config.maxFails(),
                config.failTimeout().toMillis(), endpoint -> {
                    client.discardIdle(endpoint);
                    async.discardIdle(endpoint);
                });
        long dns = config.dnsRefreshInterval().toMillis();
        scheduler.scheduleWithFixedDelay(guarded(targets::refresh), dns, dns, TimeUnit.MILLISECONDS);
        if (config.healthCheckPath() != null) {
            long every = config.healthCheckInterval().toMillis();
            this.healthChecks = PumpThreads.newExecutor(name, "health");
            scheduler.scheduleWithFixedDelay(guarded(new HealthChecker(name, targets, client,
                    config.healthCheckPath(), healthChecks)), 0, every, TimeUnit.MILLISECONDS);
        } else {
            this.healthChecks = null;
        }
    }

    /** A periodic task that throws would never run again: log and go on. */
    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Upstreams.class).warn("background task failed: {}", e.toString());
            }
        };
    }

    /**
     * Runs a periodic task on the route's background thread until {@link #close()}.
     *
     * @param period time between runs
     * @param task   what to run; a failure is logged and the task runs again next time
     */
    public void every(java.time.Duration period, Runnable task) {
        scheduler.scheduleWithFixedDelay(guarded(task), period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return the route's targets */
    public TargetSet targets() {
        return targets;
    }

    /** @return the pooled client */
    public UpstreamClient client() {
        return client;
    }

    /** @return the non-blocking client, whose exchanges hold no thread */
    public AsyncClient async() {
        return async;
    }

    /** @return connection counts over every target, both clients' */
    public PoolStatistics poolStatistics() {
        return sum(client.statistics(), async.statistics());
    }

    private static PoolStatistics sum(PoolStatistics a, PoolStatistics b) {
        return new PoolStatistics(a.leased() + b.leased(), a.available() + b.available(), a.pending() + b.pending(),
                a.max());
    }

    /** @return one snapshot per target, live ones first, then draining ones */
    public List<TargetStatistics> statistics() {
        long now = System.currentTimeMillis();
        List<TargetStatistics> result = new ArrayList<>();
        for (Target t : targets.all()) {
            PoolStatistics pool = sum(client.statistics(t.endpoint()), async.statistics(t.endpoint()));
            result.add(new TargetStatistics(t.configured().toString(), address(t), t.weight(), t.state(now),
                    t.inFlight(), t.exchanges(), t.failures(), t.ejections(), pool));
        }
        return result;
    }

    /** @return {@code 10.0.0.5:9000} or {@code [fd00::5]:9000}, or null while the name does not resolve */
    static String address(Target t) {
        java.net.InetAddress a = t.endpoint().address();
        if (a == null) {
            return null;
        }
        String host = a.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + t.endpoint().port();
    }

    /** Stops the background thread, then closes every connection. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        if (healthChecks != null) {
            healthChecks.shutdownNow();
        }
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close(); // a check still waiting on an upstream fails with its connection
        async.close();
    }
}
