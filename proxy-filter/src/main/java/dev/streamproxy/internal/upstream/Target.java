package dev.streamproxy.internal.upstream;

import dev.streamproxy.TargetState;
import dev.streamproxy.internal.client.Endpoint;
import dev.streamproxy.internal.route.UpstreamTarget;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One address a route sends exchanges to: a configured target URI resolved to one of its addresses, with its weight,
 * its health and its counters. Targets of the same configured URI share its base path and {@code Host}; each has
 * its own pool slots, keyed by its {@link Endpoint}.
 */
public final class Target {

    private final UpstreamTarget configured;
    private final Endpoint endpoint;
    private final int weight;
    private final TargetHealth health;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder exchanges = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile boolean draining;
    /** Smooth weighted round-robin's running weight, guarded by the balancer. */
    long currentWeight;

    Target(UpstreamTarget configured, Endpoint endpoint, int weight, TargetHealth health) {
        this.configured = configured;
        this.endpoint = endpoint;
        this.weight = weight;
        this.health = health;
    }

    /** @return the configured target: base path, {@code Host}, redirect rewriting */
    public UpstreamTarget configured() {
        return configured;
    }

    /** @return where connections go: the configured name (for SNI, certificates) and this target's address */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** @return the relative share of exchanges this target gets */
    public int weight() {
        return weight;
    }

    /** @return exchanges running on this target now */
    public int inFlight() {
        return inFlight.get();
    }

    /** @return exchanges sent to this target since start */
    public long exchanges() {
        return exchanges.sum();
    }

    /** @return failures before a response head since start */
    public long failures() {
        return failures.sum();
    }

    /** @return how many times it was ejected */
    public long ejections() {
        return health.ejections();
    }

    /**
     * @param now the clock, in milliseconds
     * @return its state for the statistics
     */
    public TargetState state(long now) {
        return draining ? TargetState.DRAINING : health.state(now);
    }

    TargetHealth health() {
        return health;
    }

    boolean isDraining() {
        return draining;
    }

    void drain() {
        draining = true;
    }

    /** An exchange starts on this target. */
    void begin() {
        inFlight.incrementAndGet();
        exchanges.increment();
    }

    /**
     * Tells passive health how a try on this target went: at the response head, or at the failure before it.
     *
     * @param outcome how it went
     * @param now     the clock, in milliseconds
     */
    public void record(Outcome outcome, long now) {
        switch (outcome) {
            case RESPONDED -> health.onSuccess();
            case FAILED -> {
                failures.increment();
                health.onFailure(now);
            }
            default -> health.release();
        }
    }

    /** The exchange on this target is over (its body too). */
    void finish() {
        inFlight.decrementAndGet();
    }

    @Override
    public String toString() {
        return endpoint.toString();
    }

    /** How an exchange on a target ended, as far as its health is concerned. */
    public enum Outcome {
        /** A response head arrived. */
        RESPONDED,
        /** Refused, reset, closed or timed out before a response head. */
        FAILED,
        /** Ended for a reason that says nothing about the target (the client went away, a limit). */
        NEUTRAL
    }
}
