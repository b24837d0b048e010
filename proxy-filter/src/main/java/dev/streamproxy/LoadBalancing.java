package dev.streamproxy;

import java.util.Locale;

/**
 * How a route with several targets picks one for each exchange ({@code loadBalancing} init-param). Every policy
 * honours target weights and skips ejected targets and, for a retry, targets already tried.
 */
public enum LoadBalancing {
    /**
     * {@code least-in-flight} (default): two targets drawn at random (by weight), the one with fewer exchanges in
     * flight per unit of weight wins. A slow or stuck target accumulates exchanges and is avoided, with no tuning
     * and no global lock ("power of two choices").
     */
    LEAST_IN_FLIGHT("least-in-flight"),
    /** {@code round-robin}: each target in turn, in proportion to its weight (smooth weighted round-robin). */
    ROUND_ROBIN("round-robin"),
    /** {@code random}: a target drawn at random, in proportion to its weight. */
    RANDOM("random");

    private final String value;

    LoadBalancing(String value) {
        this.value = value;
    }

    /** @return the init-param value, e.g. {@code least-in-flight} */
    public String value() {
        return value;
    }

    /**
     * @param value an init-param value, case-insensitive
     * @return the policy
     * @throws IllegalArgumentException for an unknown value
     */
    public static LoadBalancing parse(String value) {
        for (LoadBalancing l : values()) {
            if (l.value.equals(value.trim().toLowerCase(Locale.ROOT))) {
                return l;
            }
        }
        throw new IllegalArgumentException(value);
    }
}
