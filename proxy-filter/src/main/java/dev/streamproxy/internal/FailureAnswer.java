package dev.streamproxy.internal;

import dev.streamproxy.internal.error.UpstreamFailure;
import dev.streamproxy.internal.observe.ExchangeRecord;

import static dev.streamproxy.internal.ProxyHandler.LOG;

/**
 * The one log line and the outcome of an exchange that failed, the same for both exchanges: a client that went
 * away is DEBUG, a body over the limit INFO, every upstream failure WARN, naming the status the client got or,
 * once the response had started, that its connection is aborted.
 */
final class FailureAnswer {

    private FailureAnswer() {
    }

    /**
     * @param answered whether the client got the failure's status (false: the response had started)
     * @param cause    what went wrong, every try's cause when there were several
     * @return the outcome for the record
     */
    static ExchangeRecord.Outcome log(ProxyHandler route, String id, String method, String uri, UpstreamFailure kind,
                                      boolean answered, String cause, Throwable failure) {
        if (kind == UpstreamFailure.CLIENT_GONE) {
            LOG.debug("[{}] {} {} {}: client went away, upstream exchange aborted: {}", route.name, id, method, uri,
                    failure.getMessage());
            return ExchangeRecord.Outcome.CLIENT_GONE;
        }
        if (!answered) {
            LOG.warn("[{}] {} {} {}: upstream failed after the response started, aborting the client connection: {}",
                    route.name, id, method, uri, cause);
            return ExchangeRecord.Outcome.UPSTREAM_ERROR;
        }
        if (kind == UpstreamFailure.TOO_LARGE) {
            LOG.info("[{}] {} {} {} -> 413: {}", route.name, id, method, uri, cause);
        } else {
            LOG.warn("[{}] {} {} {} -> {}: {}", route.name, id, method, uri, kind.status(), cause);
        }
        return outcome(kind);
    }

    static ExchangeRecord.Outcome outcome(UpstreamFailure kind) {
        return switch (kind) {
            case GATEWAY_TIMEOUT -> ExchangeRecord.Outcome.TIMEOUT;
            case POOL_EXHAUSTED -> ExchangeRecord.Outcome.SHED;
            case TOO_LARGE, BODY_UNAVAILABLE -> ExchangeRecord.Outcome.REFUSED;
            case CLIENT_GONE -> ExchangeRecord.Outcome.CLIENT_GONE;
            default -> ExchangeRecord.Outcome.UPSTREAM_ERROR;
        };
    }
}
