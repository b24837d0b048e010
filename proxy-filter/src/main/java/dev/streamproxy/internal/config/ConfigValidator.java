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

    static final String TARGETS_FORM = "one or more absolute http or https URIs separated by commas, all with the same "
            + "base path, each optionally followed by a space and weight=N (1 to 1000), e.g. "
            + "http://10.0.0.5:9000/svc weight=3, http://10.0.0.6:9000/svc";

    /**
     * Parses the {@code targetUri} init-param: {@code uri [weight=N], uri [weight=N], ...}.
     *
     * @param value the raw value
     * @return the targets, in order
     */
    public static java.util.List<dev.streamproxy.TargetUri> parseTargets(String value) {
        java.util.List<dev.streamproxy.TargetUri> targets = new java.util.ArrayList<>();
        for (String item : value.split(",", -1)) {
            String[] words = item.trim().split("\\s+");
            if (words.length == 0 || words[0].isEmpty() || words.length > 2
                    || (words.length == 2 && !words[1].startsWith("weight="))) {
                throw invalid("targetUri", value, TARGETS_FORM);
            }
            int weight = dev.streamproxy.TargetUri.DEFAULT_WEIGHT;
            if (words.length == 2) {
                try {
                    weight = Integer.parseInt(words[1].substring("weight=".length()));
                } catch (NumberFormatException e) {
                    throw invalid("targetUri", value, TARGETS_FORM);
                }
            }
            targets.add(new dev.streamproxy.TargetUri(parseTargetUri(words[0]), weight));
        }
        return targets;
    }

    /**
     * Requires at least one target, each valid, with weights from 1 to 1000, no duplicates, one base path.
     *
     * @return the targets, frozen
     */
    public static java.util.List<dev.streamproxy.TargetUri> requireTargets(
            java.util.List<dev.streamproxy.TargetUri> targets) {
        if (targets == null || targets.isEmpty()) {
            throw new IllegalArgumentException("streamproxy: targetUri is required: give " + TARGET_FORM);
        }
        String basePath = null;
        java.util.Set<URI> seen = new java.util.HashSet<>();
        for (dev.streamproxy.TargetUri t : targets) {
            if (t == null) {
                throw invalid("targetUri", "null", TARGETS_FORM);
            }
            requireTargetUri(t.uri());
            if (t.weight() < 1 || t.weight() > 1000) {
                throw invalid("targetUri", t.toString(), TARGETS_FORM);
            }
            String path = t.uri().getRawPath() == null ? "" : t.uri().getRawPath().replaceFirst("/$", "");
            if (basePath != null && !basePath.equals(path)) {
                throw invalid("targetUri", targets.toString().replaceAll("^\\[|]$", ""), TARGETS_FORM
                        + " (the base paths differ: '" + basePath + "' and '" + path + "')");
            }
            basePath = path;
            if (!seen.add(t.uri().normalize())) {
                throw invalid("targetUri", t.uri().toString(), TARGETS_FORM + " (this one is listed twice)");
            }
        }
        return java.util.List.copyOf(targets);
    }

    /** Requires an absolute path without query or fragment, or nothing. */
    public static void requireHealthCheckPath(String path) {
        if (path != null && (!path.startsWith("/") || path.indexOf('#') >= 0 || path.chars().anyMatch(c -> c <= ' '))) {
            throw invalid("healthCheckPath", path, "a path starting with '/', e.g. /health (a query is allowed)");
        }
    }

    /** Requires an HTTP header name (an RFC 9110 token), or null. */
    public static void requireHeaderName(String name, String value) {
        if (value == null) {
            return;
        }
        boolean ok = !value.isEmpty() && value.chars().allMatch(c -> c > 0x20 && c < 0x7f
                && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0);
        if (!ok) {
            throw invalid(name, value, "a header name such as X-Request-Id, or none");
        }
    }

    /** Requires protocol tokens, never {@code h2c} (which would turn the connection into HTTP/2). */
    public static void requireUpgradeProtocols(java.util.Set<String> protocols) {
        String form = "a comma-separated list of protocol names such as websocket, or none; h2c is never tunnelled";
        if (protocols == null) {
            throw invalid("upgradeProtocols", "null", form);
        }
        for (String p : protocols) {
            if (p == null || p.isEmpty() || "h2c".equals(p) || !p.chars().allMatch(c -> c > 0x20 && c < 0x7f
                    && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
                throw invalid("upgradeProtocols", String.valueOf(p), form);
            }
        }
    }

    /** Requires response codes from 500 to 599. */
    public static void requireRetryStatuses(java.util.Set<Integer> codes) {
        if (codes == null) {
            throw invalid("retryOnStatus", "null", "a comma-separated list of codes from 500 to 599, e.g. 502,503,504");
        }
        for (Integer c : codes) {
            if (c == null || c < 500 || c > 599) {
                throw invalid("retryOnStatus", String.valueOf(c),
                        "a comma-separated list of codes from 500 to 599, e.g. 502,503,504");
            }
        }
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
