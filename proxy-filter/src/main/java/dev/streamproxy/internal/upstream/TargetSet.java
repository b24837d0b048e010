package dev.streamproxy.internal.upstream;

import dev.streamproxy.HostResolver;
import dev.streamproxy.LoadBalancing;
import dev.streamproxy.internal.client.Endpoint;
import dev.streamproxy.internal.route.UpstreamTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The targets of one route: every configured target URI, resolved to all of its addresses, each address a
 * {@link Target} of its own, re-resolved on {@link #refresh()}. An address that leaves DNS drains: it keeps its
 * exchanges to the end, gets no new ones, and is dropped (with its idle connections) once it has none.
 *
 * <p>{@link #select} is the one place a target is chosen: the policy's pick among targets that are ready, preferring
 * targets a retry has not tried yet, and, when every candidate is ejected, the one that failed least recently, so
 * health bookkeeping alone never makes the route refuse.
 */
public final class TargetSet {

    private static final Logger LOG = LoggerFactory.getLogger(TargetSet.class);

    private final String name;
    private final List<Spec> specs;
    private final HostResolver resolver;
    private final Balancer balancer;
    private final int maxFails;
    private final long failTimeoutMillis;
    private final Consumer<Endpoint> onRemoved;
    private final Object refreshLock = new Object();
    private volatile List<Target> live = List.of();
    private volatile List<Target> draining = List.of();

    /**
     * @param name      the filter's name, for log lines
     * @param specs     the configured targets and their weights
     * @param resolver  how names become addresses
     * @param policy    the load-balancing policy
     * @param maxFails  consecutive failures that eject a target
     * @param failTimeoutMillis the first ejection's length
     * @param onRemoved told when a drained target is gone, to close its idle connections
     */
    public TargetSet(String name, List<Spec> specs, HostResolver resolver, LoadBalancing policy, int maxFails,
                     long failTimeoutMillis, Consumer<Endpoint> onRemoved) {
        this.name = name;
        this.specs = List.copyOf(specs);
        this.resolver = resolver;
        this.balancer = Balancer.of(policy);
        this.maxFails = maxFails;
        this.failTimeoutMillis = failTimeoutMillis;
        this.onRemoved = onRemoved;
        refresh();
    }

    /**
     * Chooses the target for the next try.
     *
     * @param tried targets earlier tries of this exchange used
     * @param now   the clock, in milliseconds
     * @return the target, which has {@link Target#begin() begun} the exchange
     */
    public Target select(Collection<Target> tried, long now) {
        return select(tried, List.of(), now);
    }

    /**
     * Chooses the target for the next try among those the exchange may still use.
     *
     * @param tried    targets earlier tries of this exchange used: avoided while another candidate remains
     * @param excluded targets this exchange must not use again (its request reached them); when that leaves none,
     *                 the caller should not have asked, and every target is a candidate again
     * @param now      the clock, in milliseconds
     * @return the target, which has {@link Target#begin() begun} the exchange
     */
    public Target select(Collection<Target> tried, Collection<Target> excluded, long now) {
        List<Target> all = without(live, excluded);
        if (all.isEmpty()) {
            all = live;
        }
        List<Target> fresh = without(all, tried);
        if (fresh.isEmpty()) {
            fresh = all;
        }
        if (allReady(fresh, now)) {
            // the common case: every candidate healthy, so no list to build and no trial to claim
            Target chosen = fresh.size() == 1 ? fresh.get(0) : balancer.pick(fresh);
            if (chosen.health().tryAcquire(now)) {
                chosen.begin();
                return chosen;
            }
        }
        while (true) {
            List<Target> ready = new ArrayList<>(fresh.size());
            for (Target t : fresh) {
                if (t.health().mayTake(now)) {
                    ready.add(t);
                }
            }
            Target chosen;
            if (ready.isEmpty()) {
                chosen = leastRecentlyFailed(fresh);
            } else {
                chosen = balancer.pick(ready);
                if (!chosen.health().tryAcquire(now)) {
                    fresh = without(fresh, List.of(chosen)); // another exchange took its trial just now
                    if (!fresh.isEmpty()) {
                        continue;
                    }
                    chosen = leastRecentlyFailed(all);
                }
            }
            chosen.begin();
            return chosen;
        }
    }

    /**
     * Ends an exchange on a target (after {@link Target#record} told its health how it went); a draining target
     * that has nothing left is removed.
     */
    public void finish(Target target) {
        target.finish();
        if (target.isDraining() && target.inFlight() == 0) {
            removeDrained();
        }
    }

    /** Re-resolves every configured name: new addresses become targets, vanished ones drain. */
    public void refresh() {
        synchronized (refreshLock) {
            Map<Endpoint, Target> previous = new LinkedHashMap<>();
            for (Target t : live) {
                previous.put(t.endpoint(), t);
            }
            List<Target> next = new ArrayList<>();
            for (Spec spec : specs) {
                for (Endpoint e : endpoints(spec, previous)) {
                    Target existing = previous.remove(e);
                    next.add(existing != null ? existing
                            : new Target(spec.target(), e, spec.weight(), new TargetHealth(maxFails, failTimeoutMillis)));
                }
            }
            if (!previous.isEmpty()) {
                List<Target> nowDraining = new ArrayList<>(draining);
                for (Target gone : previous.values()) {
                    gone.drain();
                    nowDraining.add(gone);
                    LOG.info("[{}] {} left DNS: draining ({} exchanges in flight)", name, gone, gone.inFlight());
                }
                draining = List.copyOf(nowDraining);
            }
            for (Target t : next) {
                if (!live.contains(t)) {
                    LOG.debug("[{}] target {} added", name, t);
                }
            }
            live = List.copyOf(next);
        }
        removeDrained();
    }

    private List<Endpoint> endpoints(Spec spec, Map<Endpoint, Target> previous) {
        Endpoint configured = spec.target().endpoint();
        if (isIpLiteral(configured.hostName())) {
            try {
                // a literal is its own address: no lookup happens
                return List.of(new Endpoint(configured.tls() ? "https" : "http", configured.hostName(),
                        configured.port(), InetAddress.getByName(configured.hostName())));
            } catch (UnknownHostException e) {
                return List.of(configured);
            }
        }
        try {
            InetAddress[] addresses = resolver.resolve(configured.hostName());
            List<Endpoint> result = new ArrayList<>();
            for (InetAddress a : Arrays.stream(addresses).distinct().toList()) {
                result.add(new Endpoint(configured.tls() ? "https" : "http", configured.hostName(), configured.port(),
                        a));
            }
            if (!result.isEmpty()) {
                return result;
            }
        } catch (UnknownHostException | RuntimeException e) {
            LOG.debug("[{}] {} does not resolve now: {}", name, configured.hostName(), e.toString());
        }
        // no answer: keep what it resolved to before, or resolve at connect time (which gives 502 meanwhile)
        List<Endpoint> kept = previous.keySet().stream()
                .filter(e -> e.hostName().equalsIgnoreCase(configured.hostName()) && e.port() == configured.port())
                .toList();
        return kept.isEmpty() ? List.of(configured) : kept;
    }

    private void removeDrained() {
        synchronized (refreshLock) {
            List<Target> remaining = new ArrayList<>();
            for (Target t : draining) {
                if (t.inFlight() > 0) {
                    remaining.add(t);
                } else {
                    onRemoved.accept(t.endpoint());
                    LOG.info("[{}] {} drained and removed", name, t);
                }
            }
            if (remaining.size() != draining.size()) {
                draining = List.copyOf(remaining);
            }
        }
    }

    /** @return the targets exchanges may go to, then the draining ones */
    public List<Target> all() {
        List<Target> result = new ArrayList<>(live);
        result.addAll(draining);
        return result;
    }

    /** @return the number of targets taking new exchanges */
    public int size() {
        return live.size();
    }

    private static boolean allReady(List<Target> targets, long now) {
        for (int i = 0; i < targets.size(); i++) {
            if (!targets.get(i).health().mayTake(now)) {
                return false;
            }
        }
        return true;
    }

    private static Target leastRecentlyFailed(List<Target> targets) {
        Target best = targets.get(0);
        for (Target t : targets) {
            if (t.health().lastFailure() < best.health().lastFailure()) {
                best = t;
            }
        }
        return best;
    }

    private static List<Target> without(List<Target> targets, Collection<Target> excluded) {
        if (excluded.isEmpty()) {
            return targets;
        }
        List<Target> result = new ArrayList<>(targets.size());
        for (Target t : targets) {
            if (!excluded.contains(t)) {
                result.add(t);
            }
        }
        return result;
    }

    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /**
     * One configured target URI and its weight.
     *
     * @param target the parsed URI
     * @param weight its share, 1 or more
     */
    public record Spec(UpstreamTarget target, int weight) {
    }
}
