package dev.streamproxy.internal.config;

import java.util.Locale;

/** Parses byte sizes: a plain count, or a number with a binary unit ({@code KiB}, {@code MiB}, {@code GiB}). */
final class SizeParser {

    static final String FORM = "a size in bytes such as 1048576, 512KiB, 10MiB or 2GiB (K, KB, M, MB, G and GB "
            + "are read as binary units too), or -1 for no limit";

    private SizeParser() {
    }

    static long parse(String name, String raw) {
        String value = raw.trim();
        if (value.equals("-1")) {
            return -1;
        }
        int unitStart = 0;
        while (unitStart < value.length() && Character.isDigit(value.charAt(unitStart))) {
            unitStart++;
        }
        if (unitStart == 0 || unitStart > 15) {
            throw ConfigValidator.invalid(name, raw, FORM);
        }
        long amount = Long.parseLong(value.substring(0, unitStart));
        long unit;
        switch (value.substring(unitStart).trim().toLowerCase(Locale.ROOT)) {
            case "":
            case "b":
                unit = 1;
                break;
            case "k":
            case "kb":
            case "kib":
                unit = 1L << 10;
                break;
            case "m":
            case "mb":
            case "mib":
                unit = 1L << 20;
                break;
            case "g":
            case "gb":
            case "gib":
                unit = 1L << 30;
                break;
            default:
                throw ConfigValidator.invalid(name, raw, FORM);
        }
        if (amount > Long.MAX_VALUE / unit) {
            throw ConfigValidator.invalid(name, raw, FORM);
        }
        return amount * unit;
    }
}
