package dev.streamproxy.internal.client;

import dev.streamproxy.internal.body.StreamingRequestEntity;
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
import java.util.concurrent.ExecutorService;

/**
 * One request and the head of its response on an {@link UpstreamConnection}: HttpCore's classic message I/O in the
 * order HTTP/1.1 asks, with what a proxy needs where a general client would differ.
 *
 * <ul>
 * <li>{@code Expect: 100-continue} (the client's own, forwarded): the body is sent when the upstream agrees or
 *     after {@code waitForContinue} without an answer; a final answer of 400 or more is the response and the body
 *     is never sent (the connection is then not reused).</li>
 * <li>Both directions at once. A body that is not already here whole goes up on an {@link UploadPump} while
 *     this thread waits for the answer, so an upstream that answers during the upload (an echo, a transcript of
 *     audio still uploading) is read and relayed as it answers, and the upload goes on beside it. An answer that
 *     ends the upload (a final error, or {@code Connection: close}, while the body is still going up) stops it:
 *     the rest of the body is never sent, and the connection is not reused. A small body that has arrived whole
 *     is written by this thread first, which costs no thread and cannot wait on anyone.</li>
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
        return execute(connection, request, waitForContinue, progress, null, 0);
    }

    /**
     * @param uploads        threads for bodies sent beside the answer; null to send every body first
     * @param timeoutMillis  {@code responseTimeout}, for the waits of an exchange whose body is still going up
     */
    static ClassicHttpResponse execute(UpstreamConnection connection, ClassicHttpRequest request,
                                       Timeout waitForContinue, Progress progress, ExecutorService uploads,
                                       long timeoutMillis)
            throws IOException, HttpException {
        HttpClientConnection conn = connection.http();
        try {
            conn.sendRequestHeader(request);
            ClassicHttpResponse response = null;
            HttpEntity entity = request.getEntity();
            if (entity != null && expectsContinue(request)) {
                conn.flush();
                response = awaitContinue(conn, waitForContinue);
                if (response == null || response.getCode() < HttpStatus.SC_BAD_REQUEST) {
                    // agreed, or a final answer that does not refuse the body: the body belongs to this request
                    startBody(connection, request, progress, uploads);
                }
            } else if (entity != null) {
                startBody(connection, request, progress, uploads);
            } else {
                conn.flush();
            }
            UploadPump pump = progress.pump;
            while (response == null) {
                if (pump != null && pump.isRunning()) {
                    pump.awaitResponseBytes(timeoutMillis);
                    connection.headArriving();
                }
                response = conn.receiveResponseHeader();
                if (response.getCode() == HttpStatus.SC_SWITCHING_PROTOCOLS && !request.containsHeader("Upgrade")) {
                    // the protocol on the connection changed without being asked: nothing after it is HTTP
                    throw new ProtocolException("101 Switching Protocols to a request that asked for no upgrade");
                }
                if (response.getCode() < HttpStatus.SC_SUCCESS
                        && response.getCode() != HttpStatus.SC_SWITCHING_PROTOCOLS) {
                    response = null; // 100 after all, 102, 103: interim, not relayed
                    connection.interimHeadRead();
                }
            }
            progress.responseHead = true;
            if (pump != null && pump.isRunning() && endsTheUpload(response)) {
                connection.stopBody(); // its answer is what the client gets; the rest of the body goes nowhere
            } else {
                connection.headDecided(); // the body goes on beside the answer
            }
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
            connection.stopBody();
            conn.close(CloseMode.IMMEDIATE); // a copy still running fails its next write; its caller ends it
            throw explained;
        } catch (HttpException | RuntimeException e) {
            connection.stopBody();
            conn.close(CloseMode.IMMEDIATE);
            throw e;
        }
    }

    /** The body now, on this thread, when it has arrived whole and is small; else on a pump beside the answer. */
    private static void startBody(UpstreamConnection connection, ClassicHttpRequest request, Progress progress,
                                  ExecutorService uploads) throws IOException, HttpException {
        if (uploads != null && request.getEntity() instanceof StreamingRequestEntity body && !body.arrivedWhole()) {
            connection.http().flush(); // the head goes now: the upstream may answer it before the first body byte
            connection.uploadStarted();
            progress.pump = UploadPump.start(uploads, connection, request, body);
        } else {
            sendBody(connection, request);
        }
    }

    /**
     * @return true when an answer that came while the body was still going up ends the upload: a final error
     *         (the upstream refuses the rest, RFC 9110 15.5), or an upstream that will close the connection
     */
    private static boolean endsTheUpload(ClassicHttpResponse response) {
        int code = response.getCode();
        if (code < HttpStatus.SC_SUCCESS) {
            return false; // interim: the final answer decides
        }
        if (code >= HttpStatus.SC_BAD_REQUEST) {
            return true;
        }
        var tokens = MessageSupport.iterateTokens(response, "Connection");
        while (tokens.hasNext()) {
            if ("close".equalsIgnoreCase(tokens.next())) {
                return true;
            }
        }
        return false;
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

    static void sendBody(UpstreamConnection connection, ClassicHttpRequest request)
            throws IOException, HttpException {
        HttpClientConnection conn = connection.http();
        conn.sendRequestEntity(request);
        if (connection.bodyStopped()) {
            // what the refused write left in HttpCore's buffer is the rest of the upload: a flush would send it
            return;
        }
        try {
            conn.flush();
        } catch (IOException e) {
            if (!connection.stopBodyIfAnswered()) {
                throw e;
            }
            // the upstream answered and stopped reading: what could not be flushed is the upload it refused
        }
    }

    /** How far an exchange got before it failed. */
    static final class Progress {
        /** The body going up beside the answer, when it does. */
        UploadPump pump;
        /** A response head arrived. */
        boolean responseHead;
    }
}
