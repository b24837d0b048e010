package dev.streamproxy.internal;

import dev.streamproxy.internal.body.CopyBuffer;
import dev.streamproxy.internal.body.ResponseBodyStreamer;
import dev.streamproxy.internal.client.UpstreamResponse;
import dev.streamproxy.internal.error.ClientGoneException;
import dev.streamproxy.internal.observe.ExchangeRecord;
import dev.streamproxy.internal.route.UpstreamTarget;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/** The exchange's last steps: the upstream's answer to the client, head first, then the streamed body. */
final class ResponseRelay {

    private ResponseRelay() {
    }

    /**
     * Status, headers (as the header policy allows), framing, and the proxy's own: {@code Connection: close} when
     * the upload was cut short by an early answer, the request id, {@code Server-Timing}.
     */
    static void head(ProxyHandler route, ExchangeRecord record, HttpServletRequest request,
                     HttpServletResponse response, UpstreamResponse answer,
                     UpstreamTarget target) {
        HttpEntity entity = answer.head().getEntity();
        head(route, record, request, response, answer.head(), entity == null ? -1 : entity.getContentLength(),
                entity != null, answer.uploadCutShort(), target);
    }

    /**
     * @param contentLength the body's declared length, -1 when it has none or it is not known
     * @param hasBody       whether a body follows the head
     * @param cutShort      whether the upstream's answer ended the upload before the whole body was sent
     */
    static void head(ProxyHandler route, ExchangeRecord record, HttpServletRequest request,
                     HttpServletResponse response, HttpResponse head, long contentLength, boolean hasBody,
                     boolean cutShort, UpstreamTarget target) {
        response.setStatus(head.getCode());
        route.responseHeaders(target).copy(head, request, response);
        if (hasBody && contentLength >= 0) {
            response.setContentLengthLong(contentLength);
        } else if (!hasBody && (head.getCode() == 304 || "HEAD".equals(request.getMethod()))) {
            // HEAD and 304 describe a body they do not carry: their Content-Length is passed through as sent.
            // A 204 (or 1xx) must not have one at all (RFC 9110 8.6), so an upstream's is dropped.
            Header length = head.getFirstHeader("Content-Length");
            if (length != null) {
                response.setHeader("Content-Length", length.getValue());
            }
        }
        if (cutShort) {
            // the upstream's answer ended the upload, whose rest is left unread: end the client's connection
            // after this answer instead of letting the container read the rest of an upload. (An answer the body
            // still goes up beside, full duplex, leaves the connection as it is.)
            response.setHeader("Connection", "close");
        }
        if (route.requestIdHeader != null) {
            response.setHeader(route.requestIdHeader, record.requestId());
        }
        if (route.config.serverTiming()) {
            // appended to the upstream's own entries (several header lines are one comma-separated list)
            response.addHeader("Server-Timing", "upstream;dur=" + oneDecimal(record.upstreamMillis())
                    + ", proxy;dur=" + oneDecimal(record.proxyMillis()));
        }
    }

    private static String oneDecimal(double millis) {
        return String.format(Locale.ROOT, "%.1f", millis);
    }

    /**
     * Sends the status line and headers to the client now when the body has not started to arrive: a token stream
     * whose first token is seconds away (an inference server's prefill) shows its status at once, and a client with
     * a header timeout keeps waiting. When body bytes are already there, the body's first write carries the head,
     * so a bulk download pays no extra flush.
     */
    static void commitHeadIfTheBodyWaits(HttpServletRequest request, HttpServletResponse response,
                                         UpstreamResponse answer) throws ClientGoneException {
        if (answer.body() == null || answer.contentLength() == 0 || "HEAD".equals(request.getMethod())
                || answer.bodyReady()) {
            return;
        }
        try {
            response.flushBuffer();
        } catch (IOException e) {
            throw new ClientGoneException("client response head failed: " + e, e);
        }
    }

    /** The body, streamed as it arrives; the bytes written are counted on the record. */
    static void body(HttpServletRequest request, HttpServletResponse response, UpstreamResponse answer,
                     CopyBuffer buffer, ExchangeRecord record) throws IOException {
        if (answer.body() == null || "HEAD".equals(request.getMethod())) {
            return;
        }
        OutputStream out;
        try {
            out = response.getOutputStream();
        } catch (IOException e) {
            throw new ClientGoneException("client response unavailable: " + e, e);
        }
        // a body of unknown length is a stream until proven otherwise: it holds no buffer while it waits
        ResponseBodyStreamer.copy(answer.body(), out, buffer, answer.contentLength() < 0, record::addBytesOut);
    }
}
