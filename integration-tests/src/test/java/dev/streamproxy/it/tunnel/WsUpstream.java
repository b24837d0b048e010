package dev.streamproxy.it.tunnel;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real WebSocket server on 127.0.0.1 behind the tunnels: Jetty's own (core, no servlet container), RFC 6455 with
 * its extensions ({@code permessage-deflate} is negotiated when a client offers it). It echoes every text and binary
 * message as received (fragments arrive reassembled, up to 4 MiB, and go back as one message), answers pings,
 * selects the subprotocol {@value #SUBPROTOCOL} when a client offers it (none otherwise), and keeps each connection
 * as a {@link Peer} so a test can see what arrived, close with a code of its own or drop the connection. Its own
 * timeouts are 10 minutes: an idle tunnel is the proxy's business, not the upstream's.
 *
 * <p>Jetty reads and handles a connection's frames in order on one thread, so a close frame followed at once by the
 * end of the connection (what the JDK's client sends) is seen as the close frame it is.
 */
public final class WsUpstream implements AutoCloseable {

    /** The only subprotocol the server speaks; a client offering {@code chat.v1, chat.v2} gets this one. */
    static final String SUBPROTOCOL = "chat.v2";
    private static final long IDLE = Duration.ofMinutes(10).toMillis();

    private final Server server;
    private final ServerConnector connector;
    private final BlockingQueue<Peer> opened = new LinkedBlockingQueue<>();
    private final Set<Peer> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();

    private WsUpstream() {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("ws-upstream");
        threads.setDaemon(true);
        server = new Server(threads);
        connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(IDLE);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        ContextHandler context = new ContextHandler("/");
        context.setHandler(WebSocketUpgradeHandler.from(server, context, container -> {
            container.setIdleTimeout(Duration.ofMillis(IDLE));
            container.setMaxTextMessageSize(4 * 1024 * 1024);
            container.setMaxBinaryMessageSize(4 * 1024 * 1024);
            container.addMapping("/*", (request, response, callback) -> {
                if (request.hasSubProtocol(SUBPROTOCOL)) {
                    response.setAcceptedSubProtocol(SUBPROTOCOL);
                }
                return new Peer(request);
            });
        }));
        server.setHandler(context);
    }

    static WsUpstream start() throws Exception {
        WsUpstream upstream = new WsUpstream();
        upstream.server.start();
        return upstream;
    }

    int port() {
        return connector.getLocalPort();
    }

    /** @return {@code http://127.0.0.1:<port><path>}, a route's targetUri */
    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** @return the next connection to open, in order */
    Peer takeOpened(Duration timeout) throws InterruptedException {
        Peer p = opened.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (p == null) {
            throw new AssertionError("no WebSocket connection reached the upstream within " + timeout);
        }
        return p;
    }

    /** @return connections open now (the server has not seen their end yet) */
    int openCount() {
        return open.size();
    }

    /** @return connections ever opened */
    int acceptedCount() {
        return accepted.get();
    }

    /** @return the errors the server's connections reported since the last {@link #reset()} */
    List<Throwable> errors() {
        return new ArrayList<>(errors);
    }

    /** Forgets the connections that opened and the errors, between tests. */
    void reset() {
        opened.clear();
        errors.clear();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** How a connection ended, as the server saw it: the close frame's code and reason, 1006 for none. */
    record Closed(int code, String reason) {
    }

    /** One connection, server side: an echo endpoint that records what it sees (public: Jetty calls it by method handles). */
    public final class Peer implements Session.Listener.AutoDemanding {
        private final String target;
        private final HttpFields headers;
        private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        private final CompletableFuture<Closed> closed = new CompletableFuture<>();
        private volatile Session session;

        Peer(ServerUpgradeRequest request) {
            this.headers = request.getHeaders().asImmutable();
            String query = request.getHttpURI().getQuery();
            this.target = request.getHttpURI().getPath() + (query == null ? "" : "?" + query);
        }

        /** @return the request-target of the opening handshake, as it reached the upstream */
        String target() {
            return target;
        }

        /** @return a header of the opening handshake (several joined with ", "), null when absent */
        String header(String name) {
            List<String> values = headers.getValuesList(name);
            return values.isEmpty() ? null : String.join(", ", values);
        }

        /** @return the subprotocol the server selected, "" for none */
        String subprotocol() {
            String p = session.getUpgradeResponse().getAcceptedSubProtocol();
            return p == null ? "" : p;
        }

        /** @return the extensions the server agreed to, as its handshake answer lists them */
        String extensions() {
            return String.join(", ", session.getUpgradeResponse().getExtensions().stream()
                    .map(e -> e.getParameterizedName()).toList());
        }

        /** @return the next message received (a String or a byte[]) */
        Object takeMessage(Duration timeout) throws InterruptedException {
            Object m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new AssertionError("no message reached the upstream within " + timeout);
            }
            return m;
        }

        void send(String text) {
            session.sendText(text, Callback.NOOP);
        }

        /** A close handshake started by the server, with its code and reason. */
        void close(int code, String reason) {
            session.close(code, reason, Callback.NOOP);
        }

        /** Drops the connection without a close frame: the upstream went away. */
        void disconnect() {
            session.disconnect();
        }

        /** @return how the connection ended, waiting at most {@code timeout} */
        Closed awaitClosed(Duration timeout) throws Exception {
            try {
                return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the upstream did not see the connection end within " + timeout);
            }
        }

        boolean isClosed() {
            return closed.isDone();
        }

        @Override
        public void onWebSocketOpen(Session s) {
            this.session = s;
            accepted.incrementAndGet();
            open.add(this);
            opened.add(this);
        }

        @Override
        public void onWebSocketText(String message) {
            messages.add(message);
            session.sendText(message, Callback.NOOP);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            callback.succeed();
            messages.add(bytes);
            session.sendBinary(ByteBuffer.wrap(bytes), Callback.NOOP);
        }

        @Override
        public void onWebSocketPing(ByteBuffer payload) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.slice()).flip();
            session.sendPong(copy, Callback.NOOP);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            errors.add(cause);
        }

        @Override
        public void onWebSocketClose(int code, String reason) {
            open.remove(this);
            closed.complete(new Closed(code, reason));
        }
    }
}
