package dev.streamproxy.internal.client;

import java.io.IOException;

/** No pooled connection became free within {@code connectionRequestTimeout}, or the pool is closed: 503. */
public final class PoolTimeoutException extends IOException {

    private static final long serialVersionUID = 1L;

    private final boolean poolClosed;

    public PoolTimeoutException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public PoolTimeoutException(String message, Throwable cause, boolean poolClosed) {
        super(message, cause);
        this.poolClosed = poolClosed;
    }

    /** @return true when the pool is closed (the filter is being destroyed), rather than busy */
    public boolean poolClosed() {
        return poolClosed;
    }
}
