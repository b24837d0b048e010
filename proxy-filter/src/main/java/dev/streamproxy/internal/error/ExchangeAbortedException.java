package dev.streamproxy.internal.error;

import java.io.IOException;

/**
 * Thrown to the container, and only when the upstream failed after the response was committed: it is the one
 * portable way to make Tomcat and Jetty close the client connection without completing the response, so the client
 * sees an error instead of a clean but truncated body. Carries no stack trace; the filter has already logged the
 * cause once.
 */
public final class ExchangeAbortedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, without host names */
    public ExchangeAbortedException(String message) {
        super(message, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
