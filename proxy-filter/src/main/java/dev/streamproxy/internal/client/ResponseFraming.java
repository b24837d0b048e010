package dev.streamproxy.internal.client;

import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpMessage;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.ContentLengthStrategy;
import org.apache.hc.core5.http.impl.DefaultContentLengthStrategy;

/**
 * How long an upstream response body is, refusing the framings a proxy must never guess at (RFC 9112 6.3).
 *
 * <p>{@code Content-Length} together with {@code Transfer-Encoding}, more than one {@code Content-Length}, or a
 * {@code Transfer-Encoding} other than exactly {@code chunked} are the classic signs of response splitting or
 * smuggling: two parsers can disagree on where the response ends. Such a response fails with a
 * {@link ProtocolException} before any of it is relayed, so the client gets 502 and the connection is discarded
 * (HttpCore's executor closes a connection whose exchange failed). Everything else is HttpCore's own rule.
 */
public final class ResponseFraming implements ContentLengthStrategy {

    static final ResponseFraming INSTANCE = new ResponseFraming();

    private ResponseFraming() {
    }

    @Override
    public long determineLength(HttpMessage message) throws HttpException {
        check(message);
        return DefaultContentLengthStrategy.INSTANCE.determineLength(message);
    }

    /**
     * @param message an upstream response head
     * @throws ProtocolException naming the conflict
     */
    public static void check(HttpMessage message) throws ProtocolException {
        int lengths = message.countHeaders(HttpHeaders.CONTENT_LENGTH);
        int codings = message.countHeaders(HttpHeaders.TRANSFER_ENCODING);
        if (lengths > 0 && codings > 0) {
            throw new ProtocolException("upstream response has both Content-Length and Transfer-Encoding");
        }
        if (lengths > 1) {
            throw new ProtocolException("upstream response has " + lengths + " Content-Length headers");
        }
        if (codings > 1 || (codings == 1
                && !"chunked".equalsIgnoreCase(message.getFirstHeader(HttpHeaders.TRANSFER_ENCODING).getValue().trim()))) {
            throw new ProtocolException("upstream response has a Transfer-Encoding other than chunked");
        }
    }
}
