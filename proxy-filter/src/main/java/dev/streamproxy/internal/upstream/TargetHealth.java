package dev.streamproxy.internal.upstream;

import dev.streamproxy.TargetState;

/**
 * Passive (and optionally active) health of one target, as a small state machine over a clock the caller passes
 * in, so that it can be tested without waiting.
 *
 * <ul>
 * <li>{@code maxFails} consecutive failures eject the target for {@code failTimeout}, doubled for each ejection in a
 *     row, up to {@link #MAX_EJECTION_MILLIS}.</li>
 * <li>When the ejection ends the target gets one trial exchange; a success brings it back (and forgets the
 *     ejections), a failure ejects it again at once, for twice as long.</li>
 * <li>An active check that fails ejects the target until a check succeeds; a check that succeeds brings an ejected
 *     target back at once.</li>
 * </ul>
 * Whether an ejected target may still be used because no other is left is the selector's decision, not this
 * class's: health bookkeeping alone never makes a route refuse.
 */
final class TargetHealth {

    /** The longest ejection, however many in a row. */
    static final long MAX_EJECTION_MILLIS = 5 * 60 * 1000;

    private final int maxFails;
    private final long failTimeoutMillis;

    private int consecutiveFailures;
    private int ejectionsInARow;
    private long ejectedUntil;
    private boolean trialInFlight;
    private boolean failedCheck;
    private long lastFailure = Long.MIN_VALUE;
    private long ejections;
    /**
     * No failure on record, no ejection, no trial: the state of almost every target almost always, answered without
     * taking the lock, so that a route's exchanges do not queue on their target's monitor.
     */
    private volatile boolean clean = true;

    TargetHealth(int maxFails, long failTimeoutMillis) {
        this.maxFails = maxFails;
        this.failTimeoutMillis = failTimeoutMillis;
    }

    /**
     * Whether the target may take a new exchange now. An ejected target whose time is up is offered for exactly one
     * trial: the first caller to ask gets it, later callers wait for its outcome.
     *
     * @param now the clock, in milliseconds
     * @return true when an exchange may be sent to the target
     */
    boolean tryAcquire(long now) {
        return clean || tryAcquireLocked(now);
    }

    private synchronized boolean tryAcquireLocked(long now) {
        if (!isEjected(now)) {
            return true;
        }
        if (failedCheck || now < ejectedUntil || trialInFlight) {
            return false;
        }
        trialInFlight = true;
        clean = false;
        return true;
    }

    /**
     * Whether {@link #tryAcquire} would grant an exchange now, without claiming a trial.
     *
     * @param now the clock, in milliseconds
     * @return true for a healthy target, or an ejected one whose time is up and whose trial is free
     */
    boolean mayTake(long now) {
        return clean || mayTakeLocked(now);
    }

    private synchronized boolean mayTakeLocked(long now) {
        return !isEjected(now) || (!failedCheck && now >= ejectedUntil && !trialInFlight);
    }

    /** @return true while ejected (including while a trial is waiting for its outcome) */
    synchronized boolean isEjected(long now) {
        return failedCheck || ejectedUntil > 0;
    }

    /** An exchange got a response head from the target. */
    void onSuccess() {
        if (!clean) {
            onSuccessLocked();
        }
    }

    private synchronized void onSuccessLocked() {
        consecutiveFailures = 0;
        if (trialInFlight || (ejectedUntil > 0 && !failedCheck)) {
            ejectedUntil = 0;
            ejectionsInARow = 0;
        }
        trialInFlight = false;
        updateClean();
    }

    private void updateClean() {
        clean = consecutiveFailures == 0 && ejectedUntil == 0 && !failedCheck && !trialInFlight;
    }

    /**
     * The target failed an exchange before its response head (refused, reset, timed out).
     *
     * @param now the clock, in milliseconds
     */
    synchronized void onFailure(long now) {
        lastFailure = now;
        consecutiveFailures++;
        boolean trial = trialInFlight;
        trialInFlight = false;
        if (trial || (ejectedUntil == 0 && consecutiveFailures >= maxFails)) {
            eject(now);
        }
        updateClean();
    }

    /**
     * An active health check finished.
     *
     * @param healthy 2xx or 3xx in time
     * @param now     the clock, in milliseconds
     */
    synchronized void onCheck(boolean healthy, long now) {
        if (healthy) {
            failedCheck = false;
            consecutiveFailures = 0;
            ejectedUntil = 0;
            ejectionsInARow = 0;
        } else {
            lastFailure = now;
            if (!failedCheck) {
                failedCheck = true;
                ejections++;
            }
        }
        updateClean();
    }

    /** An exchange given to a trial ended without telling success or failure (the client went away). */
    void release() {
        if (!clean) {
            releaseLocked();
        }
    }

    private synchronized void releaseLocked() {
        trialInFlight = false;
        updateClean();
    }

    private void eject(long now) {
        ejectionsInARow++;
        ejections++;
        long timeout = failTimeoutMillis << Math.min(ejectionsInARow - 1, 20);
        ejectedUntil = now + Math.min(timeout, MAX_EJECTION_MILLIS);
        consecutiveFailures = 0;
    }

    /** @return when the last failure happened, for choosing among targets that are all ejected */
    synchronized long lastFailure() {
        return lastFailure;
    }

    /** @return how many times the target was ejected */
    synchronized long ejections() {
        return ejections;
    }

    /** @return the state to report, ignoring draining (which the target set knows) */
    synchronized TargetState state(long now) {
        return isEjected(now) ? TargetState.EJECTED : TargetState.HEALTHY;
    }
}
