package dev.streamproxy.internal.upstream;

import dev.streamproxy.internal.client.PoolTimeoutException;
import dev.streamproxy.internal.client.UpstreamConnectException;
import dev.streamproxy.internal.client.UpstreamIOException;
import dev.streamproxy.internal.upstream.RetryPolicy.Failure;

import java.io.IOException;

/**
 * What a failed try tells: how far the request got (for {@link RetryPolicy}) and whether the target is to blame
 * (for its passive health). A busy pool, a pooled connection the upstream closed as the request went out (the
 * keep-alive race) or a client that failed says nothing about the target's health.
 *
 * <p>A try whose request reached the upstream (it was sent, and no answer or only a reset came back) may have been
 * processed there: {@link #reachedUpstream()} keeps a retry off that target, so a slow upstream is never handed the
 * same work twice. Only a try that provably sent nothing (refused, no free connection, the keep-alive race) leaves
 * its target open to the exchange.
 *
 * @param failure         how far the request got
 * @param health          what the try means for the target's health
 * @param reachedUpstream the request (or its head) may have reached the target, so it must not get it again
 */
public record FailedTry(Failure failure, Target.Outcome health, boolean reachedUpstream) {

    /**
     * @param e               what the try threw
     * @param clientFailed    the request body failed on the client's side (gone, over the limit)
     * @param expectsContinue the request carries {@code Expect: 100-continue}
     * @param bodyRead        a byte of the body was read from the client during this exchange
     * @return the classification
     */
    public static FailedTry of(IOException e, boolean clientFailed, boolean expectsContinue, boolean bodyRead) {
        if (clientFailed) {
            return new FailedTry(Failure.NOT_RETRYABLE, Target.Outcome.NEUTRAL, true);
        }
        if (e instanceof UpstreamConnectException) {
            return new FailedTry(Failure.NOTHING_SENT, Target.Outcome.FAILED, false);
        }
        if (e instanceof PoolTimeoutException p) {
            return new FailedTry(p.poolClosed() ? Failure.NOT_RETRYABLE : Failure.NOTHING_SENT,
                    Target.Outcome.NEUTRAL, false);
        }
        if (e instanceof UpstreamIOException u) {
            if (u.afterResponseHead()) {
                return new FailedTry(Failure.NOT_RETRYABLE, Target.Outcome.FAILED, true);
            }
            // the upstream closed a reused connection as the request went out: it never read the request
            boolean keepAliveRace = u.reusedConnection() && u.closedWithoutResponse();
            return new FailedTry(expectsContinue && !bodyRead ? Failure.BEFORE_AGREEMENT : Failure.NO_RESPONSE_HEAD,
                    keepAliveRace ? Target.Outcome.NEUTRAL : Target.Outcome.FAILED, !keepAliveRace);
        }
        return new FailedTry(Failure.NOT_RETRYABLE, Target.Outcome.NEUTRAL, true);
    }
}
