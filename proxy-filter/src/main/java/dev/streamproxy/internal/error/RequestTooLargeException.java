package dev.streamproxy.internal.error;

import java.io.IOException;

/** A chunked request body grew past {@code maxRequestBodySize}; the upstream exchange is aborted. */
public final class RequestTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param limit the configured limit in bytes */
    public RequestTooLargeException(long limit) {
        super("request body exceeds maxRequestBodySize of " + limit + " bytes");
    }
}
