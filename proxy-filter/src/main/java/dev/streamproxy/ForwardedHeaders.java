package dev.streamproxy;

/**
 * Which forwarding headers the proxy writes on the upstream request.
 *
 * <p>Whatever the mode, client-sent {@code X-Forwarded-*} and {@code Forwarded} headers are never passed on as
 * they came: the proxy replaces them with what it saw on the connection, so an upstream cannot be fooled by a
 * client that claims another address.
 */
public enum ForwardedHeaders {
    /** {@code X-Forwarded-For}, {@code -Proto}, {@code -Host}, {@code -Port} and {@code -Prefix} (the default). */
    X_FORWARDED,
    /** The standard RFC 7239 {@code Forwarded} header only. */
    FORWARDED,
    /** Both {@code X-Forwarded-*} and {@code Forwarded}. */
    BOTH,
    /** Neither; client-sent forwarding headers are still removed. */
    NONE;

    /** @return whether {@code X-Forwarded-*} headers are written */
    public boolean writesXForwarded() {
        return this == X_FORWARDED || this == BOTH;
    }

    /** @return whether the RFC 7239 {@code Forwarded} header is written */
    public boolean writesForwarded() {
        return this == FORWARDED || this == BOTH;
    }
}
