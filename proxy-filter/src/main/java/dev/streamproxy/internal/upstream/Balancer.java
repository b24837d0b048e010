package dev.streamproxy.internal.upstream;

import dev.streamproxy.LoadBalancing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Picks one target among those ready for an exchange; the {@link LoadBalancing} policies. */
abstract class Balancer {

    /**
     * @param ready targets that may take an exchange now, at least one
     * @return the chosen one
     */
    abstract Target pick(List<Target> ready);

    static Balancer of(LoadBalancing policy) {
        return switch (policy) {
            case LEAST_IN_FLIGHT -> new LeastInFlight();
            case ROUND_ROBIN -> new RoundRobin();
            case RANDOM -> new Weighted();
        };
    }

    /** A target drawn in proportion to its weight, optionally other than {@code except}. */
    static Target draw(List<Target> ready, Target except) {
        int total = 0;
        for (Target t : ready) {
            total += t == except ? 0 : t.weight();
        }
        int r = ThreadLocalRandom.current().nextInt(total);
        for (Target t : ready) {
            if (t == except) {
                continue;
            }
            r -= t.weight();
            if (r < 0) {
                return t;
            }
        }
        throw new IllegalStateException("weights changed while drawing");
    }

    /** Two weighted draws; the one with fewer exchanges in flight per unit of weight wins. */
    static final class LeastInFlight extends Balancer {
        @Override
        Target pick(List<Target> ready) {
            if (ready.size() == 1) {
                return ready.get(0);
            }
            Target a = draw(ready, null);
            Target b = draw(ready, a);
            // (inFlight + 1) / weight, compared without division: the +1 is the exchange about to start
            long loadA = (a.inFlight() + 1L) * b.weight();
            long loadB = (b.inFlight() + 1L) * a.weight();
            return loadB < loadA ? b : a;
        }
    }

    /** Smooth weighted round-robin: equal weights rotate strictly; unequal ones interleave, never in bursts. */
    static final class RoundRobin extends Balancer {
        @Override
        synchronized Target pick(List<Target> ready) {
            Target best = null;
            long total = 0;
            for (Target t : ready) {
                t.currentWeight += t.weight();
                total += t.weight();
                if (best == null || t.currentWeight > best.currentWeight) {
                    best = t;
                }
            }
            best.currentWeight -= total;
            return best;
        }
    }

    /** One weighted draw. */
    static final class Weighted extends Balancer {
        @Override
        Target pick(List<Target> ready) {
            return ready.size() == 1 ? ready.get(0) : draw(ready, null);
        }
    }
}
