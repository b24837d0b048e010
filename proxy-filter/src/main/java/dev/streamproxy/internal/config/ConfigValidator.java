package dev.streamproxy.internal.config;

import dev.streamproxy.internal.header.TrustedProxies;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * The checks every {@link dev.streamproxy.ProxyConfig} passes once, whichever way it was written. Messages are
 * API: they name the parameter, the value given and the accepted form.
 */
public final class ConfigValidator {

    static final String TARGET_FORM = "an absolute http or https URI with a host and an optional base path, "
            + "without query, fragment or user-info, e.g. http://10.0.0.5:9000/svc";
    static final String PREFIX_FORM = "empty, or a path starting with '/' such as /api or /api/v1, "
            + "without '?', '#', '*', '..' segments or '//'";

    private ConfigValidator() {
    }

    /** Parses a target URI string, failing with the accepted form instead of a bare syntax error. */
    public static URI parseTargetUri(String value) {
        try {
            return new URI(value.trim());
        } catch (URISyntaxException e) {
            throw invalid("targetUri", value, TARGET_FORM + " (" + e.getReason() + ")");
        }
    }

    /** Requires an absolute http(s) URI with a host and nothing the proxy could not honour. */
    public static void requireTargetUri(URI uri) {
        if (uri == null) {
            throw new IllegalArgumentException("streamproxy: targetUri is required: give " + TARGET_FORM);
        }
        String scheme = uri.getScheme();
        boolean ok = scheme != null
                && ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
                && uri.getHost() != null
                && uri.getRawQuery() == null
                && uri.getRawFragment() == null
                && uri.getRawUserInfo() == null
                && !uri.isOpaque()
                && (uri.getPort() == -1 || (uri.getPort() > 0 && uri.getPort() <= 65_535));
        if (!ok) {
            throw invalid("targetUri", uri.toString(), TARGET_FORM);
        }
    }

    /**
     * Normalises a prefix to "" or "/a/b" (one trailing slash is dropped, "/" means every path) and rejects the
     * forms a raw request path could never match exactly.
     */
    public static String normalizePrefix(String prefix) {
        if (prefix == null) {
            throw invalid("prefix", "null", PREFIX_FORM);
        }
        String p = prefix.trim();
        if (p.contains("//")) {
            throw invalid("prefix", prefix, PREFIX_FORM);
        }
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            return "";
        }
        boolean ok = p.startsWith("/")
                && p.indexOf('?') < 0 && p.indexOf('#') < 0 && p.indexOf('*') < 0
                && !p.contains("//") && !p.contains("/../") && !p.endsWith("/..")
                && !p.contains("/./") && !p.endsWith("/.");
        if (!ok) {
            throw invalid("prefix", prefix, PREFIX_FORM);
        }
        return p;
    }

    /** Requires {@code min <= value <= max}. */
    public static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw invalid(name, Integer.toString(value), "a whole number from " + min + " to " + max);
        }
    }

    /** Requires a positive duration that fits the client's millisecond timeouts (about 24 days at most). */
    public static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()
                || value.compareTo(DurationParser.MAX) > 0 || value.toNanos() < 1_000_000) {
            throw invalid(name, String.valueOf(value), "a positive " + DurationParser.FORM);
        }
    }

    /** Requires every entry to be a literal IP address or CIDR block. */
    public static void requireTrustedProxies(java.util.List<String> entries) {
        if (entries == null) {
            throw invalid("trustedProxies", "null", TrustedProxies.FORM);
        }
        for (String entry : entries) {
            if (entry == null || entry.isBlank()) {
                throw invalid("trustedProxies", String.valueOf(entry), TrustedProxies.FORM);
            }
            try {
                TrustedProxies.parse(entry);
            } catch (IllegalArgumentException e) {
                throw invalid("trustedProxies", entry, TrustedProxies.FORM);
            }
        }
    }

    /**
     * Opens the TLS stores once, so a missing file, a wrong password or an expired client certificate fails here
     * rather than at the first {@code https} connection.
     */
    public static void requireTls(dev.streamproxy.TlsSettings tls) {
        requireStoreType("trustStoreType", tls.trustStoreType());
        requireStoreType("keyStoreType", tls.keyStoreType());
        if (!tls.isJvmDefault()) {
            dev.streamproxy.internal.tls.TlsContextFactory.create(tls, classLoader());
        }
    }

    private static void requireStoreType(String name, String type) {
        if (type != null && !type.equalsIgnoreCase("PKCS12") && !type.equalsIgnoreCase("JKS")) {
            throw invalid(name, type, "PKCS12 or JKS (or nothing, to read the type from the file)");
        }
    }

    /** The web application's loader when there is one (where {@code classpath:} stores live), else ours. */
    public static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : ConfigValidator.class.getClassLoader();
    }

    /** The one shape of every configuration error message. */
    public static IllegalArgumentException invalid(String name, String value, String form) {
        return new IllegalArgumentException(
                "streamproxy: invalid " + name + " '" + value + "': expected " + form);
    }
}
