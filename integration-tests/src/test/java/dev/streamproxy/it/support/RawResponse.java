package dev.streamproxy.it.support;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** A response as the client received it: the head exactly as on the wire, and the de-framed body. */
public record RawResponse(HttpHead head, byte[] body) {

    public int status() {
        return Integer.parseInt(head.startLine().split(" ", 3)[1]);
    }

    public String header(String name) {
        return head.first(name);
    }

    public List<String> headers(String name) {
        return head.all(name);
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        String t = text();
        return head + "\n" + (t.length() > 500 ? t.substring(0, 500) + "..." : t);
    }
}
