package dev.streamproxy.internal.upstream;

import java.util.Set;

/**
 * When a failed try may be tried again, on another target. Retries never wait for a body to be spooled: the body
 * streams to the upstream as it arrives, and a try is repeated only when that is provably safe.
 *
 * <table>
 * <caption>What failed, and whether the exchange is tried again (at most {@code maxRetries} times)</caption>
 * <tr><th>what failed</th><th>method</th><th>body</th><th>retried</th></tr>
 * <tr><td>nothing reached the upstream: connect refused or timed out, no free connection to that target</td>
 *     <td>any</td><td>any</td><td>yes</td></tr>
 * <tr><td>{@code Expect: 100-continue} and the target failed before agreeing (no body byte was read)</td>
 *     <td>any</td><td>any</td><td>yes</td></tr>
 * <tr><td>the request was sent, no response head came back (reset, closed, timed out)</td>
 *     <td>idempotent</td><td>none, or all of it still in the replay window</td><td>yes</td></tr>
 * <tr><td>the same</td><td>idempotent</td><td>larger than {@code retryBufferSize}</td><td>no</td></tr>
 * <tr><td>the same</td><td>POST, PATCH</td><td>any</td><td>no</td></tr>
 * <tr><td>a response in {@code retryOnStatus}, nothing sent to the client yet</td><td>idempotent</td>
 *     <td>none, or all of it in the window</td><td>yes</td></tr>
 * <tr><td>anything after the response was committed, or the client went away</td><td>any</td><td>any</td>
 *     <td>no</td></tr>
 * </table>
 * Where a retry may go is {@link Tries}'s rule: after a try whose request reached its target (every row but the
 * first), only to a target not tried yet. On top of this, the {@link RetryBudget} bounds retries in flight to a
 * fifth of the exchanges in flight.
 */
public final class RetryPolicy {

    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");

    private final int maxRetries;
    private final Set<Integer> retryOnStatus;

    /**
     * @param maxRetries    the most retries of one exchange
     * @param retryOnStatus response codes that are retried like a failure before the head
     */
    public RetryPolicy(int maxRetries, Set<Integer> retryOnStatus) {
        this.maxRetries = maxRetries;
        this.retryOnStatus = Set.copyOf(retryOnStatus);
    }

    /** How far a failed try got. */
    public enum Failure {
        /** No connection was made, or none was free on that target: nothing was sent. */
        NOTHING_SENT,
        /** {@code Expect: 100-continue}: the target failed before agreeing; no body byte was read. */
        BEFORE_AGREEMENT,
        /** The request went out (whole or in part) and no response head came back. */
        NO_RESPONSE_HEAD,
        /** A response whose code is in {@code retryOnStatus}. */
        RETRY_STATUS,
        /** Anything else: the client's failure, a limit, a bad response, a failure after the head. */
        NOT_RETRYABLE
    }

    /**
     * @param code a response code
     * @return true when it is in {@code retryOnStatus}
     */
    public boolean retriesStatus(int code) {
        return retryOnStatus.contains(code);
    }

    /**
     * @param method         the request method
     * @param failure        how far the try got
     * @param bodyReplayable true when the request has no body, or all the body sent so far can be sent again
     * @param retriesSoFar   retries already made for this exchange
     * @return true when the exchange may be tried again
     */
    public boolean mayRetry(String method, Failure failure, boolean bodyReplayable, int retriesSoFar) {
        if (retriesSoFar >= maxRetries) {
            return false;
        }
        return switch (failure) {
            case NOTHING_SENT, BEFORE_AGREEMENT -> true;
            case NO_RESPONSE_HEAD, RETRY_STATUS -> IDEMPOTENT.contains(method) && bodyReplayable;
            case NOT_RETRYABLE -> false;
        };
    }

    /** @return true when the method may be sent twice with the same effect (RFC 9110 9.2.2) */
    public static boolean isIdempotent(String method) {
        return IDEMPOTENT.contains(method);
    }
}
