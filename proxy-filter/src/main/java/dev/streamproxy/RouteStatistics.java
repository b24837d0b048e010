package dev.streamproxy;

import java.util.List;

/**
 * A snapshot of one route ({@link ProxyFilter#statistics()}): its traffic and every target.
 *
 * @param requests  requests the route has proxied since start (refused ones included)
 * @param inFlight  exchanges running now
 * @param retries   tries after the first, since start
 * @param shed      requests refused with 503 by {@code maxConcurrentRequests}
 * @param targets   every target, live ones first, then draining ones
 * @param pool      connection counts over every target
 */
public record RouteStatistics(long requests, int inFlight, long retries, long shed, List<TargetStatistics> targets,
                              PoolStatistics pool) {

    /** Freezes the target list. */
    public RouteStatistics {
        targets = List.copyOf(targets);
    }
}
