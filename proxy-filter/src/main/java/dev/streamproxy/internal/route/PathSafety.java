package dev.streamproxy.internal.route;

/**
 * Refuses raw paths whose meaning depends on who decodes them. The filter forwards the raw path unchanged, so a
 * path that an upstream could resolve outside the target's base path (a {@code ..} segment, in any spelling) or that
 * a container and an upstream could read differently must never be forwarded: it gets 400, never a guess.
 *
 * <p>Refused: control characters and NUL, raw or percent-encoded; a backslash, raw; malformed percent escapes; any
 * {@code .} or {@code ..} segment after one or two rounds of percent-decoding, with {@code /}, {@code \} and encoded
 * forms of both counted as separators and {@code ;params} ignored (so {@code ..;x}, {@code %2e%2E},
 * {@code %252e%252e} and {@code ..%2f} are all caught).
 */
public final class PathSafety {

    private PathSafety() {
    }

    /**
     * @param rawPath the raw path after the prefix
     * @return true when the path means the same thing to every reader
     */
    public static boolean isSafe(String rawPath) {
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || c > 0x7e) {
                return false;
            }
        }
        if (hasDotSegment(rawPath)) {
            return false;
        }
        if (rawPath.indexOf('%') < 0) {
            return true;
        }
        String once = decode(rawPath);
        if (once == null || hasControl(once) || hasDotSegment(once)) {
            return false;
        }
        if (once.indexOf('%') < 0) {
            return true;
        }
        // double encoding: an upstream (or a framework behind it) that decodes twice must not see a dot segment
        String twice = decode(once);
        return twice == null || (!hasControl(twice) && !hasDotSegment(twice));
    }

    /**
     * A query is forwarded byte for byte, so it must be one the container did not have to decode: printable ASCII
     * only. Jetty accepts raw non-ASCII bytes in a query and hands them over decoded as UTF-8, which cannot be
     * turned back into the bytes the client sent.
     *
     * @param rawQuery the query string, or null
     * @return true when it can be forwarded exactly
     */
    public static boolean isSafeQuery(String rawQuery) {
        if (rawQuery == null) {
            return true;
        }
        for (int i = 0; i < rawQuery.length(); i++) {
            char c = rawQuery.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasDotSegment(String path) {
        int start = 0;
        int n = path.length();
        for (int i = 0; i <= n; i++) {
            if (i == n || path.charAt(i) == '/' || path.charAt(i) == '\\') {
                if (isDots(path, start, i)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    /** True for ".", "..", and either followed by ";params". */
    private static boolean isDots(String path, int from, int to) {
        int end = to;
        for (int i = from; i < to; i++) {
            if (path.charAt(i) == ';') {
                end = i;
                break;
            }
        }
        int len = end - from;
        if (len == 1) {
            return path.charAt(from) == '.';
        }
        return len == 2 && path.charAt(from) == '.' && path.charAt(from + 1) == '.';
    }

    /** One round of percent-decoding into chars (bytes above 0x7f kept as-is); null when an escape is malformed. */
    static String decode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 2 >= s.length()) {
                return null;
            }
            int hi = Character.digit(s.charAt(i + 1), 16);
            int lo = Character.digit(s.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out.append((char) (hi * 16 + lo));
            i += 2;
        }
        return out.toString();
    }
}
