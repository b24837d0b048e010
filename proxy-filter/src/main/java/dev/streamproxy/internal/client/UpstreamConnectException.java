package dev.streamproxy.internal.client;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;

/**
 * No connection could be made to an upstream: refused, timed out, unknown host, or the TLS handshake failed.
 * Nothing of the request was sent, so any request may be tried elsewhere.
 */
public final class UpstreamConnectException extends IOException {

    private static final long serialVersionUID = 1L;

    private final boolean timedOut;
    private final boolean tlsFailure;

    public UpstreamConnectException(Endpoint endpoint, InetAddress address, Throwable cause) {
        this(endpoint, address.getHostAddress() + ": " + describe(cause), cause);
    }

    public UpstreamConnectException(Endpoint endpoint, String what, Throwable cause) {
        super("connect to " + endpoint + " failed: " + what, cause);
        this.timedOut = cause instanceof SocketTimeoutException;
        this.tlsFailure = cause instanceof SSLException;
    }

    private static String describe(Throwable cause) {
        if (cause instanceof SSLException) {
            return "TLS: " + cause.getMessage();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    /** @return true when the connect or the TLS handshake timed out (504), rather than failed (502) */
    public boolean isTimedOut() {
        return timedOut;
    }

    /** @return true when TCP connected but the TLS handshake failed (a certificate or protocol problem) */
    public boolean isTlsFailure() {
        return tlsFailure;
    }
}
