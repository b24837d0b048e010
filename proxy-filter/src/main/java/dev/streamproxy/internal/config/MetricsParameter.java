package dev.streamproxy.internal.config;

import dev.streamproxy.ProxyConfig;

import java.util.Locale;

/**
 * The {@code metrics} init-param: {@code none}, or {@code micrometer} for Micrometer's global registry. This class
 * names no Micrometer type, so it loads without Micrometer on the class path: {@code none} then works, and
 * {@code micrometer} fails {@code init()} with the fix. Only {@link GlobalRegistry} touches Micrometer.
 */
final class MetricsParameter {

    private MetricsParameter() {
    }

    static void apply(String value, ProxyConfig.Builder builder) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> {
                // no meters: the default
            }
            case "micrometer" -> {
                try {
                    Class.forName("io.micrometer.core.instrument.Metrics", false, MetricsParameter.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    throw ConfigValidator.invalid("metrics", value, "none, or micrometer with "
                            + "io.micrometer:micrometer-core on the application's class path (it is not)");
                }
                GlobalRegistry.use(builder);
            }
            default -> throw ConfigValidator.invalid("metrics", value, "none or micrometer");
        }
    }

    /** Loaded only once Micrometer is known to be there. */
    private static final class GlobalRegistry {
        static void use(ProxyConfig.Builder builder) {
            builder.meterRegistry(io.micrometer.core.instrument.Metrics.globalRegistry);
        }
    }
}
