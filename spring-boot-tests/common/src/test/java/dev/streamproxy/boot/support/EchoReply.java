package dev.streamproxy.boot.support;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The upstream's echo of a request as it arrived: {@code name: value} lines for {@code method}, {@code uri} (the raw
 * request target), {@code body-sha256}, {@code body-bytes} and {@code header.<lower-case name>}.
 */
public final class EchoReply {

    private final Map<String, String> fields;

    private EchoReply(Map<String, String> fields) {
        this.fields = fields;
    }

    /** @return the reply body for these fields */
    static String format(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder();
        fields.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }

    /** @return the echo in a reply body */
    public static EchoReply parse(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        return new EchoReply(fields);
    }

    /** @return a field's value; fails naming the whole echo when it is missing */
    public String get(String name) {
        String v = fields.get(name);
        assertNotNull(v, "the upstream's echo has no '" + name + "': " + fields);
        return v;
    }

    /** @return a request header as the upstream received it, or null */
    public String header(String name) {
        return fields.get("header." + name.toLowerCase(Locale.ROOT));
    }

    /** @return {@code name=value} pairs of a raw query, values left encoded */
    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                query.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return query;
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
