package dev.streamproxy.internal.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Parses the duration forms our init-params accept: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, ISO-8601. */
final class DurationParser {

    static final String FORM = "duration such as 250ms, 5s, 2m, 1h or ISO-8601 PT5S, from 1ms to 24 days";
    /** The longest timeout: socket timeouts are an int of milliseconds. */
    static final Duration MAX = Duration.ofMillis(Integer.MAX_VALUE);

    private DurationParser() {
    }

    static Duration parse(String name, String raw) {
        Duration d;
        try {
            d = parseAny(name, raw);
        } catch (ArithmeticException e) {
            throw ConfigValidator.invalid(name, raw, "a " + FORM);
        }
        // checked here too, so the message quotes the value as written ("0s"), not as normalised ("PT0S")
        if (d.isNegative() || d.isZero() || d.compareTo(MAX) > 0 || d.toNanos() < 1_000_000) {
            throw ConfigValidator.invalid(name, raw, "a positive " + FORM);
        }
        return d;
    }

    private static Duration parseAny(String name, String raw) {
        String value = raw.trim();
        if (value.length() > 1 && (value.charAt(0) == 'P' || value.charAt(0) == 'p')) {
            try {
                return Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw ConfigValidator.invalid(name, raw, "a " + FORM);
            }
        }
        int unitStart = 0;
        while (unitStart < value.length() && Character.isDigit(value.charAt(unitStart))) {
            unitStart++;
        }
        if (unitStart == 0 || unitStart > 12) {
            throw ConfigValidator.invalid(name, raw, "a " + FORM);
        }
        long amount = Long.parseLong(value.substring(0, unitStart));
        switch (value.substring(unitStart).trim().toLowerCase(java.util.Locale.ROOT)) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            default:
                // a bare number is refused on purpose: "5" could mean seconds or milliseconds
                throw ConfigValidator.invalid(name, raw, "a " + FORM);
        }
    }
}
