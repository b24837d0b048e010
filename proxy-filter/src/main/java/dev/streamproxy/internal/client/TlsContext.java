package dev.streamproxy.internal.client;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import java.security.NoSuchAlgorithmException;

/**
 * The TLS material of one route: a context (trust store, optional client key) and the protocols to offer.
 *
 * @param context   the context TLS sockets and engines come from
 * @param protocols the protocols to enable, or null for the JVM's defaults
 */
public record TlsContext(SSLContext context, String[] protocols) {

    /** @return the factory blocking TLS sockets are layered with */
    public SSLSocketFactory socketFactory() {
        return context.getSocketFactory();
    }

    /** @return the JVM's default context: {@code javax.net.ssl.*} system properties and the JDK's trust store */
    public static TlsContext jvmDefault() {
        try {
            return new TlsContext(SSLContext.getDefault(), null);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }
}
