package dev.streamproxy.internal;

import dev.streamproxy.internal.upstream.FailedTry;
import dev.streamproxy.internal.upstream.RetryPolicy.Failure;
import dev.streamproxy.internal.upstream.Target;
import dev.streamproxy.internal.upstream.Tries;

import java.util.List;

import static dev.streamproxy.internal.ProxyHandler.LOG;

/**
 * The tries of one exchange and the decision after each failed one, the same in both the blocking and the
 * non-blocking exchange: which target the next try takes, whether a failure may be tried again (the retry table,
 * the retry budget), and the budget slot a retry holds until its own answer or failure.
 */
final class Attempts {

    /** An answer in {@code retryOnStatus}: the upstream had the request, so only a target not tried yet may. */
    static final FailedTry RETRY_STATUS = new FailedTry(Failure.RETRY_STATUS, Target.Outcome.RESPONDED, true);

    private final ProxyHandler route;
    private final String id;
    private final String method;
    private final String uri;
    private final Tries tries = new Tries();
    private int retriesUsed;
    private boolean retrySlot;

    Attempts(ProxyHandler route, String id, String method, String uri) {
        this.route = route;
        this.id = id;
        this.method = method;
        this.uri = uri;
    }

    /** @return the next try's target, chosen by the balancer away from what the earlier tries rule out */
    Target next() {
        Target t = route.upstreams.targets().select(tries.tried(), tries.mustAvoid(), System.currentTimeMillis());
        tries.started(t);
        return t;
    }

    /** A try ended without an answer to relay: its target is no longer in flight for this exchange. */
    void ended(Target t, String cause, boolean reachedUpstream) {
        route.upstreams.targets().finish(t);
        tries.failed(t, cause, reachedUpstream);
    }

    /**
     * @param failed     how the try failed; a try that reached its upstream goes only to a target not tried yet
     * @param busyTarget the try found no free pooled connection
     * @param replayable the request can be sent again as it was (no body, or a body still in its replay window)
     * @param target     the target of the try that failed and {@code cause} what went wrong, for the log line
     */
    boolean mayRetry(FailedTry failed, boolean busyTarget, boolean replayable, Target target, String cause) {
        List<Target> targets = route.upstreams.targets().all();
        if (busyTarget && tries.tried().size() >= targets.size()) {
            return false; // waiting again on the same full pool only delays the 503
        }
        if (!tries.anotherTargetAllowed(targets, failed.reachedUpstream())) {
            return false; // every target that may take it has had it: the exchange ends with this failure
        }
        Failure failure = failed.failure();
        if (!route.retryPolicy.mayRetry(method, failure, replayable, retriesUsed)) {
            return false;
        }
        if (!route.retryBudget.tryStartRetry()) {
            LOG.debug("[{}] {} {} {}: not retried, the retry budget is spent ({} retries in flight)", route.name,
                    id, method, uri, route.retryBudget.retriesInFlight());
            return false;
        }
        retriesUsed++;
        retrySlot = true;
        route.retries.increment();
        LOG.debug("[{}] {} {} {}: try {} failed ({}), retrying: {} {}", route.name, id, method, uri, retriesUsed,
                failure, target, cause);
        return true;
    }

    /** A retry holds its budget slot until its own answer or failure, not while the answer streams. */
    void releaseRetrySlot() {
        if (retrySlot) {
            retrySlot = false;
            route.retryBudget.retryEnded();
        }
    }

    /** @return the cause of the failure that ended the exchange, with every earlier try's when there were more */
    String describe(Throwable last) {
        return tries.describe(last);
    }
}
