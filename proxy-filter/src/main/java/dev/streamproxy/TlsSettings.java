package dev.streamproxy;

import java.util.List;

/**
 * The TLS material one route uses to reach {@code https} upstreams, instead of the JVM-wide {@code javax.net.ssl.*}
 * system properties: whom to trust, which client certificate to present, which protocols to offer. Every part is
 * optional; with none set the JVM's default TLS context applies. Hostname verification is always on and cannot be
 * turned off, and SNI carries the target's host name.
 *
 * <p>Stores are paths to files, or {@code classpath:} resources (looked up through the web application's class
 * loader). Their type is {@code PKCS12} or {@code JKS}, read from the file when not given. A store that cannot be
 * opened, a wrong password or an expired client certificate fails {@link ProxyConfig.Builder#build()} (and so the
 * filter's {@code init()}) with a message naming the parameter; passwords never appear in a message or in
 * {@link #toString()}.
 *
 * @param trustStore         {@code trustStore}: certificates of the CAs the upstream's certificate may chain to,
 *                           or null for the JVM's trust store
 * @param trustStorePassword {@code trustStorePassword}, or null
 * @param trustStoreType     {@code trustStoreType}: {@code PKCS12}, {@code JKS}, or null to read it from the file
 * @param keyStore           {@code keyStore}: the client certificate and key for mutual TLS, or null for none
 * @param keyStorePassword   {@code keyStorePassword} (also the key's password), or null
 * @param keyStoreType       {@code keyStoreType}: {@code PKCS12}, {@code JKS}, or null to read it from the file
 * @param protocols          {@code tlsProtocols}, e.g. {@code [TLSv1.3, TLSv1.2]}; empty for the JVM's defaults
 */
public record TlsSettings(String trustStore, String trustStorePassword, String trustStoreType,
                          String keyStore, String keyStorePassword, String keyStoreType, List<String> protocols) {

    /** No TLS parameter set: the JVM's default TLS context. */
    public static final TlsSettings JVM_DEFAULT = new TlsSettings(null, null, null, null, null, null, List.of());

    /** Freezes the protocol list. */
    public TlsSettings {
        protocols = protocols == null ? List.of() : List.copyOf(protocols);
    }

    /** @return true when no TLS parameter is set, so the JVM's default context applies */
    public boolean isJvmDefault() {
        return trustStore == null && keyStore == null && protocols.isEmpty();
    }

    /** @return the settings without their passwords */
    @Override
    public String toString() {
        return "TlsSettings{trustStore=" + trustStore + ", trustStoreType=" + trustStoreType
                + ", trustStorePassword=" + (trustStorePassword == null ? "unset" : "***") + ", keyStore=" + keyStore
                + ", keyStoreType=" + keyStoreType + ", keyStorePassword="
                + (keyStorePassword == null ? "unset" : "***") + ", protocols=" + protocols + '}';
    }
}
