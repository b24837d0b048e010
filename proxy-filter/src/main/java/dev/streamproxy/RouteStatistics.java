package dev.streamproxy;

import java.util.List;

/**
 * A snapshot of one route ({@link ProxyFilter#statistics()}): its traffic since start and every target now.
 *
 * @param requests       requests the route has handled since start (refused and shed ones included)
 * @param inFlight       exchanges running now
 * @param ok             exchanges whose answer reached the client, whatever its status
 * @param upstreamErrors exchanges that got 502, or were aborted after their start, because of the upstream
 * @param timeouts       exchanges that got 504
 * @param clientGone     exchanges whose client went away
 * @param shed           requests refused with 503: {@code maxConcurrentRequests}, or no free connection
 * @param refused        requests refused before an upstream was contacted (400, 405, 413, 431, 501)
 * @param retries        tries after the first
 * @param bytesIn        request body bytes read from clients
 * @param bytesOut       response body bytes written to clients
 * @param openTunnels    upgraded connections (WebSocket) open now
 * @param tunnelBytesUp  bytes from clients to upstreams through tunnels, since start
 * @param tunnelBytesDown bytes from upstreams to clients through tunnels, since start
 * @param targets        every target, live ones first, then draining ones
 * @param pool           connection counts over every target (max is the per-target maximum)
 */
public record RouteStatistics(long requests, int inFlight, long ok, long upstreamErrors, long timeouts,
                              long clientGone, long shed, long refused, long retries, long bytesIn, long bytesOut,
                              int openTunnels, long tunnelBytesUp, long tunnelBytesDown,
                              List<TargetStatistics> targets, PoolStatistics pool) {

    /** Freezes the target list. */
    public RouteStatistics {
        targets = List.copyOf(targets);
    }
}
