package dev.streamproxy.internal.error;

import java.io.IOException;

/**
 * The application read the request body through {@code getReader()} before the proxy ran, so there is no body
 * left to forward: a deployment mistake, answered with 500 and a log line that says so.
 */
public final class BodyUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param cause the container's {@code IllegalStateException} */
    public BodyUnavailableException(Throwable cause) {
        super("the request body was already read through getReader() by an earlier filter or servlet", cause);
    }
}
