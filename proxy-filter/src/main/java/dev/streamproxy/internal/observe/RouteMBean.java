package dev.streamproxy.internal.observe;

import dev.streamproxy.RouteStatistics;
import dev.streamproxy.TargetStatistics;

import java.util.function.Supplier;

/** {@link RouteMXBean} over the route's statistics, read afresh for every attribute. */
public final class RouteMBean implements RouteMXBean {

    private final Supplier<RouteStatistics> statistics;

    /** @param statistics the route's statistics, as {@code ProxyFilter.statistics()} gives them */
    public RouteMBean(Supplier<RouteStatistics> statistics) {
        this.statistics = statistics;
    }

    private RouteStatistics s() {
        return statistics.get();
    }

    @Override
    public long getRequests() {
        return s().requests();
    }

    @Override
    public int getInFlight() {
        return s().inFlight();
    }

    @Override
    public long getOk() {
        return s().ok();
    }

    @Override
    public long getUpstreamErrors() {
        return s().upstreamErrors();
    }

    @Override
    public long getTimeouts() {
        return s().timeouts();
    }

    @Override
    public long getClientGone() {
        return s().clientGone();
    }

    @Override
    public long getShed() {
        return s().shed();
    }

    @Override
    public long getRefused() {
        return s().refused();
    }

    @Override
    public long getRetries() {
        return s().retries();
    }

    @Override
    public long getBytesIn() {
        return s().bytesIn();
    }

    @Override
    public long getBytesOut() {
        return s().bytesOut();
    }

    @Override
    public int getLeasedConnections() {
        return s().pool().leased();
    }

    @Override
    public int getAvailableConnections() {
        return s().pool().available();
    }

    @Override
    public int getPendingConnections() {
        return s().pool().pending();
    }

    @Override
    public int getOpenTunnels() {
        return s().openTunnels();
    }

    @Override
    public long getTunnelBytesUp() {
        return s().tunnelBytesUp();
    }

    @Override
    public long getTunnelBytesDown() {
        return s().tunnelBytesDown();
    }

    @Override
    public TargetInfo[] getTargets() {
        return s().targets().stream().map(RouteMBean::info).toArray(TargetInfo[]::new);
    }

    private static TargetInfo info(TargetStatistics t) {
        return new TargetInfo(t.uri(), t.address() == null ? "-" : t.address(), t.state().name(), t.inFlight(),
                t.exchanges(), t.failures(), t.ejections(), t.pool().leased(), t.pool().available(),
                t.pool().pending());
    }
}
