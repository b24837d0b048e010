package dev.streamproxy.internal.upstream;

import java.util.ArrayList;
import java.util.List;

/**
 * The tries of one exchange: which targets it used, which of them its request reached, and what went wrong on
 * each, for the one log line that ends a failed exchange.
 *
 * <p>The rule it keeps (the README's retry table): a try that failed after its request reached the upstream (no
 * head within {@code responseTimeout}, reset or closed before the head, an answer in {@code retryOnStatus}) is
 * retried only on a target the exchange has not tried at all, because the upstream may be working on it; with
 * every target tried, the exchange ends with that failure. A try that provably sent nothing (refused, connect
 * timeout, no free pooled connection, the keep-alive race) may be retried on any target the request has not
 * reached, including its own.
 */
public final class Tries {

    private final List<Target> tried = new ArrayList<>(2);
    private final List<Target> reached = new ArrayList<>(1);
    private final List<String> failures = new ArrayList<>(0);
    private boolean lastReached;

    /** @param target the target of the try that starts now */
    public void started(Target target) {
        tried.add(target);
    }

    /**
     * @param target  the target of the try that failed
     * @param cause   what went wrong, for the log line; a leading copy of the target's own name is dropped
     * @param reachedUpstream whether the request may have reached it
     */
    public void failed(Target target, String cause, boolean reachedUpstream) {
        lastReached = reachedUpstream;
        if (reachedUpstream && !reached.contains(target)) {
            reached.add(target);
        }
        String name = target.toString();
        String text = cause == null ? "failed" : cause;
        failures.add(text.startsWith(name) ? text : name + " " + text);
    }

    /** @return the targets tried so far, for the balancer to avoid while others remain */
    public List<Target> tried() {
        return tried;
    }

    /**
     * @param targets         the route's targets now
     * @param reachedUpstream whether the try that just failed may have reached its target
     * @return true when a next try has a target it may use: one never tried after a try that reached its
     *         upstream, else one the request has not reached
     */
    public boolean anotherTargetAllowed(List<Target> targets, boolean reachedUpstream) {
        List<Target> out = reachedUpstream ? tried : reached;
        for (Target t : targets) {
            if (!out.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /** @return what the next try must not use: after a try that reached its upstream every target tried so far */
    public List<Target> mustAvoid() {
        return lastReached ? tried : reached;
    }

    /**
     * @param last what ended the exchange
     * @return its cause, or every failed try with its cause when there was more than one
     */
    public String describe(Throwable last) {
        if (failures.size() <= 1) {
            return last.getClass().getSimpleName() + ": " + last.getMessage();
        }
        return failures.size() + " tries: " + String.join("; ", failures);
    }
}
