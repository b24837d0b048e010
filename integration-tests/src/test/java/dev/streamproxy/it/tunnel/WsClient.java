package dev.streamproxy.it.tunnel;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client side of a tunnel: the JDK's own {@link java.net.http.WebSocket} (RFC 6455, HTTP/1.1 handshake), with a
 * listener that reassembles messages delivered in parts and records how the connection ended: a close frame
 * ({@link #awaitClosed}) or an error, such as the connection ending without one ({@link #awaitEnd}).
 */
final class WsClient implements WebSocket.Listener, AutoCloseable {

    /** One client for the JVM: every WebSocket is a connection of its own, on the client's one selector thread. */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static final Duration WAIT = Duration.ofSeconds(20);

    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final CompletableFuture<Throwable> failed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private volatile WebSocket socket;

    private WsClient() {
    }

    /** How the client saw the connection end: the close frame's code and reason. */
    record Closed(int code, String reason) {
    }

    /** Opens a WebSocket to {@code uri}, offering {@code subprotocols} (none when empty). */
    static WsClient connect(URI uri, String... subprotocols) throws Exception {
        return connectAsync(uri, subprotocols).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    static CompletableFuture<WsClient> connectAsync(URI uri, String... subprotocols) {
        WsClient c = new WsClient();
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (subprotocols.length > 0) {
            String[] more = new String[subprotocols.length - 1];
            System.arraycopy(subprotocols, 1, more, 0, more.length);
            b.subprotocols(subprotocols[0], more);
        }
        return b.buildAsync(uri, c).thenApply(ws -> {
            c.socket = ws;
            return c;
        });
    }

    WebSocket socket() {
        return socket;
    }

    /** @return the subprotocol the handshake selected, "" for none */
    String subprotocol() {
        return socket.getSubprotocol();
    }

    void sendText(String message) throws Exception {
        socket.sendText(message, true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One part of a message: {@code last=false} sends a fragment that a continuation frame follows. */
    void sendText(String part, boolean last) throws Exception {
        socket.sendText(part, last).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    void sendBinary(byte[] message) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(message), true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    void sendPing(byte[] payload) throws Exception {
        socket.sendPing(ByteBuffer.wrap(payload)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return the payload of the next pong received */
    byte[] takePong() throws InterruptedException {
        byte[] p = pongs.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (p == null) {
            throw new AssertionError("no pong reached the client within " + WAIT);
        }
        return p;
    }

    void sendClose(int code, String reason) throws Exception {
        socket.sendClose(code, reason).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes the TCP connection at once, without a close frame. */
    void abort() {
        socket.abort();
    }

    /** @return the next whole message (a String or a byte[]) */
    Object takeMessage() throws InterruptedException {
        return takeMessage(WAIT);
    }

    Object takeMessage(Duration timeout) throws InterruptedException {
        Object m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("no message reached the client within " + timeout + "; closed: "
                    + closed.getNow(null) + ", failed: " + failed.getNow(null));
        }
        return m;
    }

    /** @return the close frame the client received */
    Closed awaitClosed() throws Exception {
        try {
            return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the client received no close frame within " + WAIT + "; failed: "
                    + failed.getNow(null));
        }
    }

    /**
     * @return how the connection ended: a {@link Closed} or the error that ended it
     * @throws AssertionError when it has not ended within {@code timeout}
     */
    Object awaitEnd(Duration timeout) throws InterruptedException, ExecutionException {
        CompletableFuture<Object> either = CompletableFuture.anyOf(closed, failed);
        try {
            return either.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the client's WebSocket did not end within " + timeout);
        }
    }

    /** @return how the connection ended if it did within {@code timeout} (a {@link Closed} or an error), else null */
    Object pollEnd(Duration timeout) throws InterruptedException, ExecutionException {
        try {
            return CompletableFuture.anyOf(closed, failed).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        }
    }

    boolean hasEnded() {
        return closed.isDone() || failed.isDone();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        this.socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        synchronized (text) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        synchronized (binary) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        byte[] bytes = new byte[message.remaining()];
        message.get(bytes);
        pongs.add(bytes);
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Closed(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        failed.complete(error);
    }

    /** Ends the connection however it stands: a normal close if possible, then an abort. */
    @Override
    public void close() {
        WebSocket ws = socket;
        if (ws != null && !hasEnded()) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
                awaitEnd(Duration.ofSeconds(5));
            } catch (Exception | AssertionError e) {
                // ending anyway
            }
        }
        if (ws != null) {
            ws.abort();
        }
    }
}
