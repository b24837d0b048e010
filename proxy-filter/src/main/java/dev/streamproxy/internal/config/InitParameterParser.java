package dev.streamproxy.internal.config;

import dev.streamproxy.ForwardedHeaders;
import dev.streamproxy.ProxyConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns string init-params into a {@link ProxyConfig}. Type errors are reported here; range and form checks are
 * left to {@link ProxyConfig.Builder#build()}, so both ways of configuring share one validation.
 */
public final class InitParameterParser {

    /** Every init-param the filter understands; any other name is a typo and fails {@code init()}. */
    public static final Set<String> NAMES = Set.of(
            "targetUri", "prefix", "maxConnections", "connectTimeout", "responseTimeout",
            "connectionRequestTimeout", "idleTimeout", "preserveHost", "forwardedHeaders", "rewriteRedirects",
            "trustedProxies", "maxRequestBodySize", "maxRequestHeaders", "allowUnderscoreHeaders",
            "trustStore", "trustStorePassword", "trustStoreType", "keyStore", "keyStorePassword", "keyStoreType",
            "tlsProtocols", "loadBalancing", "dnsRefreshInterval", "maxFails", "failTimeout", "healthCheckPath",
            "healthCheckInterval", "maxRetries", "retryBufferSize", "retryOnStatus", "maxConcurrentRequests",
            "requestIdHeader", "serverTiming", "accessLog", "jmx", "metrics", "upgradeProtocols", "upgradeIdleTimeout");

    private InitParameterParser() {
    }

    /** Parses and validates; see {@link ProxyConfig#fromParameters(Map)}. */
    public static ProxyConfig parse(Map<String, String> params) {
        for (String name : params.keySet()) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("streamproxy: unknown init-param '" + name
                        + "': expected one of " + String.join(", ", NAMES.stream().sorted().toList()));
            }
        }
        ProxyConfig.Builder b = ProxyConfig.builder();
        String target = params.get("targetUri");
        if (target == null || target.isBlank()) {
            b.targetUri((java.net.URI) null);
        } else {
            b.targetUri(target);
        }
        with(params, "prefix", b::prefix);
        with(params, "maxConnections", v -> b.maxConnections(parseInt("maxConnections", v)));
        withDuration(params, "connectTimeout", b::connectTimeout);
        withDuration(params, "responseTimeout", b::responseTimeout);
        withDuration(params, "connectionRequestTimeout", b::connectionRequestTimeout);
        withDuration(params, "idleTimeout", b::idleTimeout);
        with(params, "preserveHost", v -> b.preserveHost(parseBoolean("preserveHost", v)));
        with(params, "forwardedHeaders", v -> b.forwardedHeaders(parseForwarded(v)));
        with(params, "rewriteRedirects", v -> b.rewriteRedirects(parseBoolean("rewriteRedirects", v)));
        with(params, "trustedProxies", v -> b.trustedProxies(splitList(v)));
        with(params, "maxRequestBodySize", v -> b.maxRequestBodySize(SizeParser.parse("maxRequestBodySize", v)));
        with(params, "maxRequestHeaders", v -> b.maxRequestHeaders(parseInt("maxRequestHeaders", v)));
        with(params, "allowUnderscoreHeaders",
                v -> b.allowUnderscoreHeaders(parseBoolean("allowUnderscoreHeaders", v)));
        with(params, "trustStore", b::trustStore);
        // passwords are taken as given: a space may be part of one
        withRaw(params, "trustStorePassword", b::trustStorePassword);
        with(params, "trustStoreType", b::trustStoreType);
        with(params, "keyStore", b::keyStore);
        withRaw(params, "keyStorePassword", b::keyStorePassword);
        with(params, "keyStoreType", b::keyStoreType);
        with(params, "tlsProtocols", v -> b.tlsProtocols(splitList(v)));
        with(params, "loadBalancing", v -> b.loadBalancing(parseLoadBalancing(v)));
        withDuration(params, "dnsRefreshInterval", b::dnsRefreshInterval);
        with(params, "maxFails", v -> b.maxFails(parseInt("maxFails", v)));
        withDuration(params, "failTimeout", b::failTimeout);
        with(params, "healthCheckPath", b::healthCheckPath);
        withDuration(params, "healthCheckInterval", b::healthCheckInterval);
        with(params, "maxRetries", v -> b.maxRetries(parseInt("maxRetries", v)));
        with(params, "retryBufferSize", v -> b.retryBufferSize(parseIntSize("retryBufferSize", v)));
        with(params, "retryOnStatus", v -> b.retryOnStatus(parseCodes(v)));
        with(params, "requestIdHeader", b::requestIdHeader);
        with(params, "serverTiming", v -> b.serverTiming(parseBoolean("serverTiming", v)));
        with(params, "accessLog", v -> b.accessLog(parseBoolean("accessLog", v)));
        with(params, "jmx", v -> b.jmx(parseBoolean("jmx", v)));
        with(params, "metrics", v -> MetricsParameter.apply(v, b));
        with(params, "upgradeProtocols", v -> b.upgradeProtocols("none".equalsIgnoreCase(v) ? List.of()
                : splitList(v)));
        withDuration(params, "upgradeIdleTimeout", b::upgradeIdleTimeout);
        with(params, "maxConcurrentRequests", v -> b.maxConcurrentRequests(
                "unlimited".equalsIgnoreCase(v) ? ProxyConfig.UNLIMITED_REQUESTS : parseInt("maxConcurrentRequests", v)));
        return b.build();
    }

    private static void with(Map<String, String> params, String name, Consumer<String> setter) {
        String value = params.get(name);
        if (value != null) {
            setter.accept(value.trim());
        }
    }

    private static void withRaw(Map<String, String> params, String name, Consumer<String> setter) {
        String value = params.get(name);
        if (value != null) {
            setter.accept(value);
        }
    }

    private static void withDuration(Map<String, String> params, String name, Consumer<Duration> setter) {
        with(params, name, v -> setter.accept(DurationParser.parse(name, v)));
    }

    private static List<String> splitList(String value) {
        List<String> entries = new ArrayList<>();
        for (String entry : value.split("[,\\s]+")) {
            if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return entries;
    }

    private static dev.streamproxy.LoadBalancing parseLoadBalancing(String value) {
        try {
            return dev.streamproxy.LoadBalancing.parse(value);
        } catch (IllegalArgumentException e) {
            throw ConfigValidator.invalid("loadBalancing", value, "least-in-flight, round-robin or random");
        }
    }

    private static int parseIntSize(String name, String value) {
        long bytes = SizeParser.parse(name, value);
        if (bytes > Integer.MAX_VALUE) {
            throw ConfigValidator.invalid(name, value, "a size of at most 16MiB");
        }
        return (int) bytes;
    }

    private static java.util.Set<Integer> parseCodes(String value) {
        java.util.Set<Integer> codes = new java.util.LinkedHashSet<>();
        for (String code : splitList(value)) {
            codes.add(parseInt("retryOnStatus", code));
        }
        return codes;
    }

    static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ConfigValidator.invalid(name, value, "a whole number");
        }
    }

    static boolean parseBoolean(String name, String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw ConfigValidator.invalid(name, value, "true or false");
        }
    }

    static ForwardedHeaders parseForwarded(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true":
            case "x-forwarded":
                return ForwardedHeaders.X_FORWARDED;
            case "forwarded":
                return ForwardedHeaders.FORWARDED;
            case "both":
                return ForwardedHeaders.BOTH;
            case "false":
            case "none":
                return ForwardedHeaders.NONE;
            default:
                throw ConfigValidator.invalid("forwardedHeaders", value,
                        "true, false, x-forwarded, forwarded, both or none");
        }
    }
}
