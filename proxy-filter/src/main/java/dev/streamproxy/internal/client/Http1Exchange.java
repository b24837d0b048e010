package dev.streamproxy.internal.client;

import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.io.HttpClientConnection;
import org.apache.hc.core5.http.message.MessageSupport;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;

/**
 * One request and the head of its response on an {@link UpstreamConnection}: HttpCore's classic message I/O in the
 * order HTTP/1.1 asks, with what a proxy needs where a general client would differ.
 *
 * <ul>
 * <li>{@code Expect: 100-continue} (the client's own, forwarded): the body is sent when the upstream agrees or
 *     after {@code waitForContinue} without an answer; a final answer of 400 or more is the response and the body
 *     is never sent (the connection is then not reused).</li>
 * <li>An answer that arrives while the body is being sent (HttpCore's out-of-order hook, see
 *     {@link UpstreamConnection}) ends the upload; a failure flushing what was left of it does not hide the
 *     answer.</li>
 * <li>Interim responses are skipped, except {@code 101 Switching Protocols} to a request that asked for an
 *     upgrade, which is returned to the caller with the connection left as it is, so the caller can take it over;
 *     an unsolicited {@code 101} fails the exchange.</li>
 * </ul>
 * Any failure closes the connection at once: a connection whose exchange failed is never reused.
 */
final class Http1Exchange {

    private Http1Exchange() {
    }

    /**
     * @param connection      a connection no other exchange uses
     * @param request         the request with its framing headers and entity
     * @param waitForContinue how long to wait for {@code 100 Continue} before sending the body anyway
     * @param progress        told how far the exchange got, for the caller's retry decision
     * @return the response head (and its entity, not yet read, when the response has a body)
     */
    static ClassicHttpResponse execute(UpstreamConnection connection, ClassicHttpRequest request,
                                       Timeout waitForContinue, Progress progress)
            throws IOException, HttpException {
        HttpClientConnection conn = connection.http();
        try {
            conn.sendRequestHeader(request);
            ClassicHttpResponse response = null;
            HttpEntity entity = request.getEntity();
            if (entity != null && expectsContinue(request)) {
                conn.flush();
                response = awaitContinue(conn, waitForContinue);
                if (response == null) {
                    sendBody(connection, request);
                } else if (response.getCode() < HttpStatus.SC_BAD_REQUEST) {
                    // a final answer that does not refuse the body: the body still belongs to this request
                    sendBody(connection, request);
                }
            } else {
                if (entity != null) {
                    sendBody(connection, request);
                } else {
                    conn.flush();
                }
            }
            progress.requestSent = true;
            while (response == null) {
                response = conn.receiveResponseHeader();
                if (response.getCode() == HttpStatus.SC_SWITCHING_PROTOCOLS && !request.containsHeader("Upgrade")) {
                    // the protocol on the connection changed without being asked: nothing after it is HTTP
                    throw new ProtocolException("101 Switching Protocols to a request that asked for no upgrade");
                }
                if (response.getCode() < HttpStatus.SC_SUCCESS
                        && response.getCode() != HttpStatus.SC_SWITCHING_PROTOCOLS) {
                    response = null; // 100 after all, 102, 103: interim, not relayed
                }
            }
            progress.responseHead = true;
            if (response.getCode() >= HttpStatus.SC_SUCCESS
                    && MessageSupport.canResponseHaveBody(request.getMethod(), response)) {
                conn.receiveResponseEntity(response);
            } else {
                ResponseFraming.check(response);
            }
            return response;
        } catch (IOException e) {
            // before the close: a TLS upstream's alert may still wait in the socket, and it says more than EPIPE
            IOException explained = progress.responseHead ? e : connection.explain(e);
            conn.close(CloseMode.IMMEDIATE);
            throw explained;
        } catch (HttpException | RuntimeException e) {
            conn.close(CloseMode.IMMEDIATE);
            throw e;
        }
    }

    private static boolean expectsContinue(ClassicHttpRequest request) {
        var expect = request.getFirstHeader("Expect");
        return expect != null && "100-continue".equalsIgnoreCase(expect.getValue().trim());
    }

    /** @return a final response that came instead of {@code 100}, or null to send the body now */
    private static ClassicHttpResponse awaitContinue(HttpClientConnection conn, Timeout wait)
            throws IOException, HttpException {
        while (true) {
            if (!conn.isDataAvailable(wait)) {
                if (conn.isStale()) {
                    // closed without a word: before a byte of the body was read, so the request can go elsewhere
                    throw new org.apache.hc.core5.http.ConnectionClosedException(
                            "upstream closed the connection before 100 Continue");
                }
                return null; // no answer in time: send the body (RFC 9110 10.1.1)
            }
            ClassicHttpResponse interim = conn.receiveResponseHeader();
            int code = interim.getCode();
            if (code == HttpStatus.SC_CONTINUE) {
                return null;
            }
            if (code == HttpStatus.SC_SWITCHING_PROTOCOLS) {
                throw new ProtocolException("101 Switching Protocols in answer to a request with a body");
            }
            if (code >= HttpStatus.SC_SUCCESS) {
                return interim;
            }
        }
    }

    private static void sendBody(UpstreamConnection connection, ClassicHttpRequest request)
            throws IOException, HttpException {
        HttpClientConnection conn = connection.http();
        try {
            conn.sendRequestEntity(request);
            try {
                conn.flush();
            } catch (IOException e) {
                if (!connection.stopBodyIfAnswered()) {
                    throw e;
                }
                // the upstream answered and stopped reading: what could not be flushed is the upload it refused
            }
        } finally {
            connection.bodyEnded();
        }
    }

    /** How far an exchange got before it failed. */
    static final class Progress {
        /** The whole request (head and body, or the head and a refusal of the body) was handed to the socket. */
        boolean requestSent;
        /** A response head arrived. */
        boolean responseHead;
    }
}
