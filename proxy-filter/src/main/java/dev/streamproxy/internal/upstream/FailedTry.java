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
 * @param failure how far the request got
 * @param health  what the try means for the target's health
 */
public record FailedTry(Failure failure, Target.Outcome health) {

    /**
     * @param e               what the try threw
     * @param clientFailed    the request body failed on the client's side (gone, over the limit)
     * @param expectsContinue the request carries {@code Expect: 100-continue}
     * @param bodyRead        a byte of the body was read from the client during this exchange
     * @return the classification
     */
    public static FailedTry of(IOException e, boolean clientFailed, boolean expectsContinue, boolean bodyRead) {
        if (clientFailed) {
            return new FailedTry(Failure.NOT_RETRYABLE, Target.Outcome.NEUTRAL);
        }
        if (e instanceof UpstreamConnectException) {
            return new FailedTry(Failure.NOTHING_SENT, Target.Outcome.FAILED);
        }
        if (e instanceof PoolTimeoutException p) {
            return new FailedTry(p.poolClosed() ? Failure.NOT_RETRYABLE : Failure.NOTHING_SENT,
                    Target.Outcome.NEUTRAL);
        }
        if (e instanceof UpstreamIOException u) {
            if (u.afterResponseHead()) {
                return new FailedTry(Failure.NOT_RETRYABLE, Target.Outcome.FAILED);
            }
            boolean keepAliveRace = u.reusedConnection() && u.closedWithoutResponse();
            return new FailedTry(expectsContinue && !bodyRead ? Failure.BEFORE_AGREEMENT : Failure.NO_RESPONSE_HEAD,
                    keepAliveRace ? Target.Outcome.NEUTRAL : Target.Outcome.FAILED);
        }
        return new FailedTry(Failure.NOT_RETRYABLE, Target.Outcome.NEUTRAL);
    }
}
