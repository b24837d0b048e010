package dev.streamproxy.internal.config;

import dev.streamproxy.ProxyConfig;

import java.util.Locale;

/**
 * The {@code metrics} init-param: {@code none}, or {@code micrometer} for Micrometer's global registry. Kept apart
 * so that Micrometer's classes are touched only when asked for: without Micrometer on the class path, {@code none}
 * works and {@code micrometer} fails {@code init()} with the fix.
 */
final class MetricsParameter {

    private MetricsParameter() {
    }

    static void apply(String value, ProxyConfig.Builder builder) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> builder.meterRegistry(null);
            case "micrometer" -> {
                try {
                    Class.forName("io.micrometer.core.instrument.Metrics", false, ConfigValidator.classLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    throw ConfigValidator.invalid("metrics", value, "none, or micrometer with "
                            + "io.micrometer:micrometer-core on the application's class path (it is not)");
                }
                builder.meterRegistry(io.micrometer.core.instrument.Metrics.globalRegistry);
            }
            default -> throw ConfigValidator.invalid("metrics", value, "none or micrometer");
        }
    }
}
