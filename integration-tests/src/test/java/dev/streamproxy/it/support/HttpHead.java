package dev.streamproxy.it.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The start line and header fields of one HTTP/1.1 message, exactly as they were on the wire (names keep their case,
 * fields keep their order, repeated fields stay separate). Parsed by hand so that no HTTP library normalizes what a
 * test wants to see.
 */
public final class HttpHead {

    private static final int MAX_LINE = 64 * 1024;

    private final String startLine;
    private final List<Map.Entry<String, String>> fields;

    public HttpHead(String startLine, List<Map.Entry<String, String>> fields) {
        this.startLine = startLine;
        this.fields = List.copyOf(fields);
    }

    /**
     * Reads a head up to and including its empty line.
     *
     * @return the head, or null when the stream ended cleanly before the first byte (a closed keep-alive connection)
     */
    public static HttpHead read(InputStream in) throws IOException {
        String start = readLine(in, true);
        if (start == null) {
            return null;
        }
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (String line = readLine(in, false); !line.isEmpty(); line = readLine(in, false)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + line);
            }
            fields.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).strip()));
        }
        return new HttpHead(start, fields);
    }

    /** Reads one CRLF (or bare LF) terminated line as ISO-8859-1; null on EOF before any byte if allowed. */
    static String readLine(InputStream in, boolean eofAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (eofAllowed && line.size() == 0) {
                    return null;
                }
                throw new EOFException("connection closed inside a message head after '" + line + "'");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("line longer than " + MAX_LINE);
            }
            line.write(b);
        }
    }

    public String startLine() {
        return startLine;
    }

    /** @return every field in wire order */
    public List<Map.Entry<String, String>> fields() {
        return fields;
    }

    /** @return the values of every field with this name (case-insensitive), in wire order */
    public List<String> all(String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> f : fields) {
            if (f.getKey().equalsIgnoreCase(name)) {
                values.add(f.getValue());
            }
        }
        return Collections.unmodifiableList(values);
    }

    /** @return the first value of the named field, or null */
    public String first(String name) {
        List<String> values = all(name);
        return values.isEmpty() ? null : values.get(0);
    }

    public boolean has(String name) {
        return first(name) != null;
    }

    /** @return true when a Transfer-Encoding field ends with chunked */
    public boolean chunked() {
        List<String> te = all("Transfer-Encoding");
        return !te.isEmpty() && te.get(te.size() - 1).toLowerCase(Locale.ROOT).strip().endsWith("chunked");
    }

    /** @return the Content-Length, or -1 when absent */
    public long contentLength() {
        String cl = first("Content-Length");
        return cl == null ? -1 : Long.parseLong(cl.strip());
    }

    /** @return all comma-separated tokens of every Connection field, lower-cased */
    public List<String> connectionTokens() {
        List<String> tokens = new ArrayList<>();
        for (String v : all("Connection")) {
            for (String t : v.split(",")) {
                if (!t.isBlank()) {
                    tokens.add(t.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        return tokens;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(startLine).append('\n');
        for (Map.Entry<String, String> f : fields) {
            sb.append(f.getKey()).append(": ").append(f.getValue()).append('\n');
        }
        return sb.toString();
    }
}
