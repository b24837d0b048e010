package dev.streamproxy.internal.tls;

import dev.streamproxy.TlsSettings;
import dev.streamproxy.internal.client.TlsContext;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Turns a route's {@link TlsSettings} into the TLS context its connections use, checking everything that can be
 * checked before the first connection: the stores open with their passwords, a client certificate is within its
 * validity, the protocols exist in this JVM. Messages name the parameter and the accepted form, never a password.
 */
public final class TlsContextFactory {

    private static final String STORE_FORM = "a readable PKCS12 or JKS file, as a path or classpath:<resource>";

    private TlsContextFactory() {
    }

    /**
     * @param settings the route's settings
     * @param loader   where {@code classpath:} stores are looked up
     * @return the context, or the JVM's default one when no parameter is set
     * @throws IllegalArgumentException naming the parameter at fault
     */
    public static TlsContext create(TlsSettings settings, ClassLoader loader) {
        if (settings.isJvmDefault()) {
            return TlsContext.jvmDefault();
        }
        String[] protocols = protocols(settings.protocols());
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(settings.trustStore() == null ? null : load("trustStore", settings.trustStore(),
                    settings.trustStoreType(), settings.trustStorePassword(), loader));
            KeyManagerFactory keys = null;
            if (settings.keyStore() != null) {
                KeyStore store = load("keyStore", settings.keyStore(), settings.keyStoreType(),
                        settings.keyStorePassword(), loader);
                requireValidClientCertificates(settings.keyStore(), store);
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                try {
                    keys.init(store, chars(settings.keyStorePassword()));
                } catch (UnrecoverableKeyException e) {
                    throw new IllegalArgumentException("streamproxy: invalid keyStorePassword: the key in keyStore '"
                            + settings.keyStore() + "' cannot be read with it; expected the password of the store "
                            + "and of its key");
                }
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return new TlsContext(context.getSocketFactory(), protocols);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("streamproxy: the TLS settings cannot be used: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String parameter, String location, String type, String password,
                                 ClassLoader loader) {
        List<String> types = type != null ? List.of(type) : List.of("PKCS12", "JKS");
        IOException wrongPassword = null;
        for (String t : types) {
            KeyStore store;
            try {
                store = KeyStore.getInstance(t);
            } catch (java.security.KeyStoreException e) {
                throw new IllegalArgumentException("streamproxy: invalid " + parameter + "Type '" + t
                        + "': expected PKCS12 or JKS");
            }
            try (InputStream in = open(parameter, location, loader)) {
                store.load(in, chars(password));
                return store;
            } catch (IOException e) {
                if (e.getCause() instanceof UnrecoverableKeyException
                        || String.valueOf(e.getMessage()).toLowerCase().contains("password")) {
                    wrongPassword = e;
                }
            } catch (GeneralSecurityException e) {
                // not this type, or corrupt: try the next, then report
            }
        }
        if (wrongPassword != null) {
            throw new IllegalArgumentException("streamproxy: invalid " + parameter + "Password: " + parameter + " '"
                    + location + "' cannot be opened with it; expected the store's password");
        }
        throw new IllegalArgumentException("streamproxy: invalid " + parameter + " '" + location + "': expected "
                + STORE_FORM + (type != null ? " of type " + type : "") + " (it is not a key store of that type)");
    }

    /** Opens the store; a missing or unreadable one fails here, with the parameter's name. */
    private static InputStream open(String parameter, String location, ClassLoader loader) {
        try {
            if (location.startsWith("classpath:")) {
                String resource = location.substring("classpath:".length()).replaceFirst("^/", "");
                InputStream in = loader.getResourceAsStream(resource);
                if (in == null) {
                    throw new IOException("no such resource on the class path");
                }
                return in;
            }
            return Files.newInputStream(Path.of(location));
        } catch (IOException | RuntimeException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "file not found"
                    : e instanceof java.nio.file.AccessDeniedException ? "not readable" : e.getMessage();
            throw new IllegalArgumentException("streamproxy: invalid " + parameter + " '" + location + "': expected "
                    + STORE_FORM + " (" + why + ")");
        }
    }

    private static void requireValidClientCertificates(String location, KeyStore store)
            throws java.security.KeyStoreException {
        boolean anyKey = false;
        for (String alias : Collections.list(store.aliases())) {
            if (!store.isKeyEntry(alias)) {
                continue;
            }
            anyKey = true;
            Certificate cert = store.getCertificate(alias);
            if (cert instanceof X509Certificate x509) {
                try {
                    x509.checkValidity();
                } catch (CertificateExpiredException e) {
                    throw new IllegalArgumentException("streamproxy: invalid keyStore '" + location
                            + "': the client certificate '" + alias + "' expired on " + x509.getNotAfter().toInstant()
                            + "; expected a certificate valid now");
                } catch (CertificateNotYetValidException e) {
                    throw new IllegalArgumentException("streamproxy: invalid keyStore '" + location
                            + "': the client certificate '" + alias + "' is valid only from "
                            + x509.getNotBefore().toInstant() + "; expected a certificate valid now");
                }
            }
        }
        if (!anyKey) {
            throw new IllegalArgumentException("streamproxy: invalid keyStore '" + location
                    + "': expected a store holding a private key and its certificate (it holds certificates only)");
        }
    }

    private static String[] protocols(List<String> requested) {
        if (requested.isEmpty()) {
            return null;
        }
        List<String> supported;
        try {
            supported = Arrays.asList(SSLContext.getDefault().getSupportedSSLParameters().getProtocols());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
        for (String p : requested) {
            if (!supported.contains(p)) {
                throw new IllegalArgumentException("streamproxy: invalid tlsProtocols '" + String.join(",", requested)
                        + "': expected a comma-separated list of " + supported);
            }
        }
        return requested.toArray(new String[0]);
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }
}
