package dev.streamproxy.internal.client;

import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.NoHttpResponseException;

import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * An exchange failed after its connection was made: the request could not be sent whole, or no valid response
 * head came back. The cause is HttpCore's or the socket's own exception.
 */
public final class UpstreamIOException extends IOException {

    private static final long serialVersionUID = 1L;

    private final boolean reusedConnection;
    private final boolean responseHead;

    public UpstreamIOException(Endpoint endpoint, boolean reusedConnection, Throwable cause) {
        this(endpoint, reusedConnection, false, cause);
    }

    /**
     * @param endpoint         where the exchange ran
     * @param reusedConnection whether the connection had served earlier exchanges
     * @param responseHead     whether a response head had arrived before the failure
     * @param cause            HttpCore's or the socket's exception
     */
    public UpstreamIOException(Endpoint endpoint, boolean reusedConnection, boolean responseHead, Throwable cause) {
        super(endpoint + ": " + cause.getClass().getSimpleName()
                + (cause.getMessage() != null ? ": " + cause.getMessage() : ""), cause);
        this.reusedConnection = reusedConnection;
        this.responseHead = responseHead;
    }

    /** @return true when a response head had arrived (the failure came with or after it) */
    public boolean afterResponseHead() {
        return responseHead;
    }

    /** @return true when the exchange ran on a pooled connection that had served earlier exchanges */
    public boolean reusedConnection() {
        return reusedConnection;
    }

    /**
     * @return true when the upstream closed or reset the connection without a byte of response: on a reused
     *         connection, the keep-alive race (the upstream closed it as the request went out)
     */
    public boolean closedWithoutResponse() {
        Throwable c = getCause();
        return c instanceof NoHttpResponseException || c instanceof ConnectionClosedException
                || (c instanceof java.net.SocketException && !(c instanceof java.net.ConnectException));
    }

    /** @return true when the upstream did not answer within {@code responseTimeout} */
    public boolean timedOut() {
        return getCause() instanceof SocketTimeoutException;
    }
}
