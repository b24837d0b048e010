package dev.streamproxy.internal.route;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Chooses the upstream for one request. Today there is one target per filter; load balancing across several
 * targets plugs in here without touching the exchange.
 */
@FunctionalInterface
public interface TargetSelector {

    /**
     * @param request the client request being proxied
     * @return the target for this request
     */
    UpstreamTarget select(HttpServletRequest request);

    /** @return a selector that always answers {@code target} */
    static TargetSelector single(UpstreamTarget target) {
        return request -> target;
    }
}
