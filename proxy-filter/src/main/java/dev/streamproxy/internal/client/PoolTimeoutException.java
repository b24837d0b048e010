package dev.streamproxy.internal.client;

import java.io.IOException;

/** No pooled connection became free within {@code connectionRequestTimeout}, or the pool is closed: 503. */
public final class PoolTimeoutException extends IOException {

    private static final long serialVersionUID = 1L;

    public PoolTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
