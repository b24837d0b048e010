package dev.streamproxy.it.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A request written byte for byte by the test: no client library adds, drops, reorders or re-encodes anything.
 * A {@code Host} field is added when the test gave none; {@code Content-Length} is added when a body is given and
 * no framing field was.
 */
public final class RawRequest {

    private final String method;
    private final String target;
    private final List<String> headers = new ArrayList<>();
    private byte[] body;

    private RawRequest(String method, String target) {
        this.method = method;
        this.target = target;
    }

    public static RawRequest of(String method, String target) {
        return new RawRequest(method, target);
    }

    public static RawRequest get(String target) {
        return of("GET", target);
    }

    /** Adds one field; repeated names stay separate fields, in order. */
    public RawRequest header(String name, String value) {
        headers.add(name + ": " + value);
        return this;
    }

    /** The body, sent as is after the head (framing as the headers say; Content-Length when none do). */
    public RawRequest body(byte[] bytes) {
        this.body = bytes;
        return this;
    }

    public RawRequest body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    public String method() {
        return method;
    }

    public String target() {
        return target;
    }

    private boolean has(String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        return headers.stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix));
    }

    /** @return head and body as they go on the wire to {@code authority} */
    public byte[] toBytes(String authority) {
        StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        if (!has("Host")) {
            sb.append("Host: ").append(authority).append("\r\n");
        }
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        if (body != null && !has("Content-Length") && !has("Transfer-Encoding")) {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        }
        sb.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }
}
