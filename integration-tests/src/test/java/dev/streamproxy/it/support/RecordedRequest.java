package dev.streamproxy.it.support;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the upstream received: the head exactly as on the wire and, once read, the body's digest (and its bytes when
 * small enough to keep).
 *
 * @param head   start line and fields as received
 * @param body   the body bytes when at most {@link Upstream#KEEP_BODY_LIMIT}, else null; empty when there was none
 * @param digest length and SHA-256 of the body, or null when it was not read
 */
public record RecordedRequest(HttpHead head, byte[] body, Payload.Digest digest) {

    public String method() {
        return head.startLine().split(" ", 3)[0];
    }

    /** @return the raw request-target, byte for byte as the upstream saw it */
    public String target() {
        return head.startLine().split(" ", 3)[1];
    }

    public String header(String name) {
        return head.first(name);
    }

    public List<String> headers(String name) {
        return head.all(name);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return head + (digest == null ? "" : "(body " + digest.length() + " bytes)");
    }
}
