package dev.streamproxy.internal.client;

import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection;
import org.apache.hc.core5.http.impl.io.DefaultHttpResponseParser;
import org.apache.hc.core5.http.io.HttpClientConnection;
import org.apache.hc.core5.http.io.HttpMessageParser;
import org.apache.hc.core5.http.io.HttpMessageParserFactory;
import org.apache.hc.core5.http.io.ResponseOutOfOrderStrategy;
import org.apache.hc.core5.http.io.SessionInputBuffer;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.io.ModalCloseable;
import org.apache.hc.core5.util.Timeout;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * One HTTP/1.1 connection to an upstream: HttpCore's classic client connection over a socket this class owns,
 * plus the two checks a proxy needs that HttpCore leaves to its user.
 *
 * <ul>
 * <li><b>Unsolicited bytes.</b> An upstream that sends more than its response (a body after a 204, 304 or HEAD
 *     answer, bytes past its {@code Content-Length}) leaves them on the connection, and a pooled connection would
 *     hand them to the next request as its response (response queue poisoning). {@link #isReusable} refuses a
 *     connection whose HttpCore input buffer or socket holds such bytes.</li>
 * <li><b>A body that must stop.</b> When the upstream's answer ends the upload (a final error, or
 *     {@code Connection: close}, while the body is still going up), {@link #stopBody()} makes every later write
 *     of the body on this connection fail, through HttpCore's {@link ResponseOutOfOrderStrategy} hook, including
 *     the closing chunk HttpCore writes when the body's stream is closed: a body cut short never reaches the
 *     upstream looking complete.</li>
 * </ul>
 * Both read HttpCore's input buffer through the public {@link SessionInputBuffer} interface, which HttpCore hands to
 * the response parser on every parse: the parser here is HttpCore's own, wrapped to keep that reference.
 */
public final class UpstreamConnection implements ModalCloseable {

    private final Endpoint endpoint;
    private final Socket socket;
    private final SSLSocket tls;
    private final InputStream rawInput;
    private final DefaultBHttpClientConnection http;
    private volatile SessionInputBuffer inputBuffer;
    private volatile boolean bodyStopped;
    /** A body goes up beside the answer, whose head the exchange's thread has not judged yet. */
    private volatile boolean headUndecided;
    /** The exchange's thread has seen the answer's first bytes and is reading its head. */
    private volatile boolean headArriving;
    private final Object decision = new Object();

    UpstreamConnection(Endpoint endpoint, Socket socket, SSLSocket tls, Http1Config config) throws IOException {
        this.endpoint = endpoint;
        this.socket = socket;
        this.tls = tls;
        this.rawInput = socket.getInputStream();
        this.http = new DefaultBHttpClientConnection(config, null, null, ResponseFraming.INSTANCE, null,
                new StoppedBodyCheck(), null, new KeepingParserFactory(new DefaultHttpResponseParser(config)));
        if (tls != null) {
            http.bind(tls, socket);
        } else {
            http.bind(socket);
        }
    }

    /** @return the endpoint this connection was made for */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** @return HttpCore's connection, for {@link org.apache.hc.core5.http.impl.io.HttpRequestExecutor} */
    public HttpClientConnection http() {
        return http;
    }

    /** @return true when the connection is to an {@code https} upstream */
    public boolean isTls() {
        return tls != null;
    }

    /** @return the socket the application bytes go through: the TLS socket, or the plain one */
    public Socket applicationSocket() {
        return tls != null ? tls : socket;
    }

    /** @return bytes HttpCore has read from the socket and not yet handed out */
    public int bufferedInput() {
        SessionInputBuffer b = inputBuffer;
        return b == null ? 0 : b.length();
    }

    /** @return bytes the socket holds that HttpCore has not read yet (decrypted ones only, over TLS) */
    public int socketAvailable() {
        if (tls == null) {
            return Math.max(0, rawAvailable());
        }
        try {
            return tls.getInputStream().available(); // raw bytes may be part of a record: only decrypted ones count
        } catch (IOException e) {
            return 0;
        }
    }

    /** @return true when bytes of the response wait in HttpCore's buffer or the socket, so a read will not block */
    public boolean inputReady() {
        return bufferedInput() > 0 || rawAvailable() > 0;
    }

    /**
     * Moves what HttpCore has already read past the last response head into {@code into}, without touching the
     * socket: after a {@code 101 Switching Protocols} these are the first bytes of the new protocol.
     *
     * @param into a buffer
     * @return the number of bytes moved, 0 when nothing was buffered
     * @throws IOException never in practice: only buffered bytes are read
     */
    public int takeBufferedInput(byte[] into) throws IOException {
        SessionInputBuffer b = inputBuffer;
        int n = b == null ? 0 : Math.min(b.length(), into.length);
        return n == 0 ? 0 : b.read(into, 0, n, rawInput);
    }

    /** @return the raw input stream of the application socket, for a tunnel after the buffered bytes are taken */
    public InputStream socketInput() throws IOException {
        return applicationSocket().getInputStream();
    }

    /** @return the raw output stream of the application socket, for a tunnel */
    public OutputStream socketOutput() throws IOException {
        return applicationSocket().getOutputStream();
    }

    /**
     * Whether the upstream has sent something while no response was being read: an answer sent before the request
     * body was complete, or (on an idle connection) unsolicited bytes.
     *
     * @return true when response bytes are waiting to be read
     */
    public boolean responseWaiting() {
        if (bufferedInput() > 0) {
            return true;
        }
        if (rawAvailable() <= 0) {
            return false;
        }
        if (tls == null) {
            return true;
        }
        // raw TLS bytes may be a session ticket or a key update rather than data: let TLS decide, briefly
        try {
            return http.isDataAvailable(Timeout.ONE_MILLISECOND);
        } catch (IOException e) {
            return true; // whatever it is, it is not a connection to keep writing a body to
        }
    }

    /**
     * Stops the request body for good once the upstream has answered: from then on every write of it on this
     * connection, including the closing chunk HttpCore writes when the body's stream is closed, is refused, so a
     * body cut short can never reach the upstream looking complete.
     *
     * @return true when an answer is waiting (the body is now stopped)
     */
    boolean stopBodyIfAnswered() {
        if (!bodyStopped && responseWaiting()) {
            bodyStopped = true;
        }
        return bodyStopped;
    }

    /** Ends the request body on this connection for good: every later write of it fails. */
    void stopBody() {
        bodyStopped = true;
        headDecided();
    }

    /** A body starts going up beside the answer: until its head is judged, the answer holds the body back. */
    void uploadStarted() {
        headArriving = false;
        headUndecided = true;
    }

    /** The exchange's thread starts reading a head that arrived while the body goes up. */
    void headArriving() {
        headArriving = true;
    }

    /** An interim head was read: the final one is still to come. */
    void interimHeadRead() {
        headArriving = false;
    }

    /** The answer's head was judged (the body goes on, or was stopped): the body may be written again. */
    void headDecided() {
        headUndecided = false;
        headArriving = false;
        synchronized (decision) {
            decision.notifyAll();
        }
    }

    /**
     * Before a write of a body going up beside its answer: once the upstream has said something and its head is
     * not judged yet, the body waits for that judgement, so an early refusal stops the upload at once however
     * late the exchange's thread gets to read it, instead of after whatever the copy wrote meanwhile.
     */
    private void awaitHeadDecision() {
        while (headUndecided && !bodyStopped && (headArriving || rawAvailable() > 0)) {
            synchronized (decision) {
                try {
                    decision.wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** @return true once the body was stopped, by {@link #stopBody()} or by an answer that came while it was sent */
    boolean bodyStopped() {
        return bodyStopped;
    }

    /**
     * The check before a pooled connection is reused.
     *
     * @param idleMillis how long the connection has been idle
     * @param probeAfterMillis idle time after which a closed connection is also probed for (a blocking read of at
     *                         most one millisecond)
     * @return false when the connection is closed or holds bytes no request asked for
     */
    public boolean isReusable(long idleMillis, long probeAfterMillis) {
        if (!http.isOpen() || bufferedInput() > 0) {
            return false;
        }
        boolean bytesWaiting = rawAvailable() > 0;
        if (bytesWaiting && tls == null) {
            return false;
        }
        if (!bytesWaiting && idleMillis < probeAfterMillis) {
            return true;
        }
        try {
            // reads at most what is there: end of stream means closed, TLS records may turn out to be data
            return !http.isStale() && bufferedInput() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private int rawAvailable() {
        try {
            return rawInput.available();
        } catch (IOException e) {
            return 1; // a socket that cannot be asked is not one to trust
        }
    }

    /**
     * A tunnel's connection: no read timeout (the tunnel's own idle timeout decides when it ends), and it is never
     * pooled again.
     */
    public void keepOpenWhileIdle() {
        try {
            applicationSocket().setSoTimeout(0);
        } catch (IOException e) {
            // a socket that cannot be set is closed: the tunnel's first read will say so
        }
    }

    /** Passes a tunnel's half-close on: no more bytes to the upstream, which may still send. */
    public void shutdownOutput() throws IOException {
        try {
            applicationSocket().shutdownOutput();
        } catch (UnsupportedOperationException e) {
            // TLS without half-close: the upstream sees the whole connection end instead
            abort();
        }
    }

    /**
     * Why a TLS connection failed, when the socket only says "broken pipe": a TLS 1.3 server refuses a missing or
     * untrusted client certificate after the handshake, with an alert that sits unread in the socket while the
     * request's write fails. Reading it (briefly) turns the failure into the alert's own words.
     *
     * @param failure what the exchange saw
     * @return the upstream's TLS alert when there is one, else {@code failure}
     */
    public IOException explain(IOException failure) {
        if (tls == null || failure instanceof javax.net.ssl.SSLException
                || !(failure instanceof java.net.SocketException)) {
            return failure;
        }
        try {
            tls.setSoTimeout(100);
            tls.getInputStream().read();
        } catch (javax.net.ssl.SSLException alert) {
            return alert;
        } catch (IOException | RuntimeException other) {
            // nothing more to learn
        }
        return failure;
    }

    /** Closes at once (RST), so the upstream sees a broken exchange rather than a complete one. */
    public void abort() {
        http.close(CloseMode.IMMEDIATE);
    }

    @Override
    public void close(CloseMode closeMode) {
        http.close(closeMode);
    }

    @Override
    public void close() throws IOException {
        http.close();
    }

    @Override
    public String toString() {
        return endpoint.toString();
    }

    /** HttpCore's response parser, remembering the session buffer it is handed. */
    private final class KeepingParserFactory implements HttpMessageParserFactory<ClassicHttpResponse>,
            HttpMessageParser<ClassicHttpResponse> {
        private final HttpMessageParser<ClassicHttpResponse> parser;

        KeepingParserFactory(HttpMessageParser<ClassicHttpResponse> parser) {
            this.parser = parser;
        }

        @Override
        public ClassicHttpResponse parse(SessionInputBuffer buffer, InputStream input)
                throws IOException, HttpException {
            inputBuffer = buffer;
            return parser.parse(buffer, input);
        }

        @Override
        @SuppressWarnings("deprecation") // the abstract method every 5.x release still declares
        public HttpMessageParser<ClassicHttpResponse> create(Http1Config config) {
            return this;
        }

        @Override
        public HttpMessageParser<ClassicHttpResponse> create() {
            return this;
        }
    }

    /** HttpCore's out-of-order hook, used to refuse every write of a body that was stopped. */
    private final class StoppedBodyCheck implements ResponseOutOfOrderStrategy {
        @Override
        public boolean isEarlyResponseDetected(ClassicHttpRequest request, HttpClientConnection connection,
                                               InputStream input, long sent, long next) {
            if (headUndecided && !bodyStopped) {
                awaitHeadDecision();
            }
            return bodyStopped;
        }
    }
}
