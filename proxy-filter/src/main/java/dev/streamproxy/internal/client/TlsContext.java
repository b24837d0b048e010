package dev.streamproxy.internal.client;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import java.security.NoSuchAlgorithmException;

/**
 * The TLS material of one route: a socket factory (trust store, optional client key) and the protocols to offer.
 *
 * @param socketFactory the factory TLS sockets are layered with
 * @param protocols     the protocols to enable, or null for the JVM's defaults
 */
public record TlsContext(SSLSocketFactory socketFactory, String[] protocols) {

    /** @return the JVM's default context: {@code javax.net.ssl.*} system properties and the JDK's trust store */
    public static TlsContext jvmDefault() {
        try {
            return new TlsContext(SSLContext.getDefault().getSocketFactory(), null);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }
}
