package dev.streamproxy.internal.error;

import dev.streamproxy.internal.client.PoolTimeoutException;
import dev.streamproxy.internal.client.UpstreamConnectException;
import dev.streamproxy.internal.client.UpstreamIOException;

import java.net.SocketTimeoutException;

/**
 * Maps why an exchange failed to what the client is told. Small and total: every throwable has an answer, and
 * none of them is 500 or a stack trace.
 *
 * <ul>
 * <li>no pooled connection within {@code connectionRequestTimeout}, or the pool is shut down: 503, retry later;</li>
 * <li>no upstream data within {@code responseTimeout}, or no connection within {@code connectTimeout}: 504;</li>
 * <li>refused, reset, unknown host, TLS failure, a malformed or truncated upstream response: 502;</li>
 * <li>a chunked body over {@code maxRequestBodySize}: 413; a client that went away: 400 (if it is still
 * listening at all).</li>
 * </ul>
 */
public enum UpstreamFailure {
    /** 400: the client's own request body failed. */
    CLIENT_GONE(400, "Bad Request: the request body was not received completely\n"),
    /** 500: the application consumed the body before the proxy could forward it. */
    BODY_UNAVAILABLE(500, "Internal Server Error: the request body was consumed before it could be forwarded\n"),
    /** 413: body over the configured limit. */
    TOO_LARGE(413, "Payload Too Large\n"),
    /** 502: the upstream could not be reached or answered badly. */
    BAD_GATEWAY(502, "Bad Gateway: the upstream service failed\n"),
    /** 503: no connection free in time. */
    POOL_EXHAUSTED(503, "Service Unavailable: the proxy is at its connection limit, retry later\n"),
    /** 504: the upstream did not answer in time. */
    GATEWAY_TIMEOUT(504, "Gateway Timeout: the upstream service did not answer in time\n");

    private final int status;
    private final String body;

    UpstreamFailure(int status, String body) {
        this.status = status;
        this.body = status + " " + body;
    }

    /** @return the HTTP status for the client */
    public int status() {
        return status;
    }

    /** @return a short plain-text body naming no host and holding no stack trace */
    public String body() {
        return body;
    }

    /**
     * @param failure what the exchange threw
     * @return its classification
     */
    public static UpstreamFailure classify(Throwable failure) {
        if (failure instanceof ClientGoneException) {
            return CLIENT_GONE;
        }
        if (failure instanceof BodyUnavailableException) {
            return BODY_UNAVAILABLE;
        }
        if (failure instanceof RequestTooLargeException) {
            return TOO_LARGE;
        }
        if (failure instanceof PoolTimeoutException) {
            return POOL_EXHAUSTED; // also when the pool is closed: the filter is being destroyed
        }
        if (failure instanceof UpstreamConnectException c) {
            return c.isTimedOut() ? GATEWAY_TIMEOUT : BAD_GATEWAY;
        }
        if (failure instanceof UpstreamIOException u) {
            return u.timedOut() ? GATEWAY_TIMEOUT : BAD_GATEWAY;
        }
        if (failure instanceof SocketTimeoutException) {
            return GATEWAY_TIMEOUT;
        }
        return BAD_GATEWAY;
    }
}
