package dev.streamproxy.internal.error;

import java.io.IOException;

/**
 * The client side of an exchange failed: its connection broke, or it sent less body than it promised. Carried
 * through HttpCore's connection (which passes an entity's {@code IOException} up unchanged) so the exchange can
 * tell a client that went away, which is logged at DEBUG, from an upstream fault, which gets a status code and a
 * WARN line.
 */
public final class ClientGoneException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what the client did
     * @param cause   the container's exception, if any
     */
    public ClientGoneException(String message, Throwable cause) {
        super(message, cause);
    }
}
