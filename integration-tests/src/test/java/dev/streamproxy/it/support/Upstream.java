package dev.streamproxy.it.support;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 upstream on 127.0.0.1 with an ephemeral port (or on another loopback address and a port of the
 * test's choosing, {@link #start(InetAddress, int)}), written on raw sockets so that a test sees the exact
 * request-target and header fields the proxy sent, and controls every byte (and every pause) of the answer.
 * Connections are kept alive between requests, as a pooling proxy expects.
 *
 * <p>Each request is given to the current {@link Handler}; the default one ({@link #echo}) reads the body, records it
 * and answers 200 with the body's length and SHA-256 in {@code X-Echo-Length}/{@code X-Echo-Sha256}.
 */
public final class Upstream implements AutoCloseable {

    /** Bodies up to this size are kept in {@link RecordedRequest#body()}. */
    public static final int KEEP_BODY_LIMIT = 1024 * 1024;

    /** Answers one request; must read what it needs of the body and write a complete response (or close). */
    @FunctionalInterface
    public interface Handler {
        void handle(Exchange exchange) throws Exception;
    }

    private final ServerSocket server;
    private final ExecutorService threads;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<RecordedRequest> arrivals = new LinkedBlockingQueue<>();
    private final BlockingQueue<RecordedRequest> recorded = new LinkedBlockingQueue<>();
    private final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
    private final AtomicInteger connectionsAccepted = new AtomicInteger();
    private volatile Handler handler = Upstream::echo;

    private Upstream(ServerSocket server) {
        this.server = server;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "upstream-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        threads.execute(this::acceptLoop);
    }

    public static Upstream start() throws IOException {
        return start(InetAddress.getLoopbackAddress(), 0);
    }

    /**
     * Listens on one address and port: another loopback address ({@code 127.0.0.2}), the same port as another
     * upstream on another address, or the port of an upstream that was closed (started again).
     *
     * @param address the address to bind, e.g. {@code 127.0.0.2}
     * @param port    the port, or 0 for an ephemeral one
     * @throws java.net.BindException when something listens there already
     */
    public static Upstream start(InetAddress address, int port) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true); // a port given up a moment ago may be taken again at once
            s.bind(new InetSocketAddress(address, port), 128);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new Upstream(s);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** @return the address it listens on */
    public InetAddress address() {
        return server.getInetAddress();
    }

    /** @return {@code http://<address>:<port><path>}, e.g. {@code http://127.0.0.1:41234/svc} */
    public URI uri(String path) {
        return URI.create("http://" + authority() + path);
    }

    /** @return the Host header value a client of this upstream sends by default, {@code <address>:<port>} */
    public String authority() {
        String host = address().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port();
    }

    /** Answers the following requests with {@code h}. */
    public void handle(Handler h) {
        handler = h;
    }

    /** Back to the echo handler, and forget what was received. */
    public void reset() {
        handler = Upstream::echo;
        arrivals.clear();
        recorded.clear();
        failures.clear();
    }

    /** @return how many request heads have arrived since the last {@link #reset()} */
    public int requestCount() {
        return arrivals.size();
    }

    /** @return the next request head to arrive (in arrival order), waiting at most {@code timeout} */
    public RecordedRequest takeArrival(Duration timeout) throws InterruptedException {
        RecordedRequest r = arrivals.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("no request reached the upstream within " + timeout);
        }
        return r;
    }

    /** @return the next request the echo handler (or a handler calling {@link Exchange#record}) completed */
    public RecordedRequest takeRequest() throws InterruptedException {
        RecordedRequest r = recorded.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no complete request was recorded by the upstream within 10s");
        }
        return r;
    }

    /** @return the next I/O failure a connection of the upstream saw, waiting at most {@code timeout}, or null */
    public Throwable pollFailure(Duration timeout) throws InterruptedException {
        return failures.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return connections the proxy holds open to this upstream right now */
    public int openConnections() {
        return open.size();
    }

    public int connectionsAccepted() {
        return connectionsAccepted.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connectionsAccepted.incrementAndGet();
                open.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    failures.add(e);
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(60_000); // a backstop only; tests bound themselves far below this
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            while (true) {
                HttpHead head = HttpHead.read(in);
                if (head == null) {
                    return; // the proxy closed an idle keep-alive connection
                }
                arrivals.add(new RecordedRequest(head, null, null));
                Exchange ex = new Exchange(this, socket, head, in, out);
                handler.handle(ex);
                out.flush();
                if (ex.closeRequested || !ex.bodyFullyRead()) {
                    return;
                }
            }
        } catch (Throwable e) {
            if (!(e instanceof SocketException && server.isClosed())) {
                failures.add(e);
            }
        } finally {
            open.remove(socket);
        }
    }

    /** The default handler: read and record the body, answer 200 with its digest. */
    public static void echo(Exchange ex) throws IOException {
        RecordedRequest r = ex.readAndRecord();
        ex.respond(200, "OK", "echo\n".getBytes(StandardCharsets.UTF_8),
                "Content-Type: text/plain",
                "X-Echo-Method: " + r.method(),
                "X-Echo-Length: " + r.digest().length(),
                "X-Echo-Sha256: " + r.digest().sha256());
    }

    /** One request/response on a kept-alive upstream connection. */
    public static final class Exchange {
        private final Upstream upstream;
        private final Socket socket;
        private final HttpHead head;
        private final BodyStreams.Body body;
        private final OutputStream out;
        private boolean closeRequested;

        Exchange(Upstream upstream, Socket socket, HttpHead head, InputStream in, OutputStream out) {
            this.upstream = upstream;
            this.socket = socket;
            this.head = head;
            this.out = out;
            if (head.chunked()) {
                body = BodyStreams.chunked(in);
            } else if (head.contentLength() >= 0) {
                body = BodyStreams.fixedLength(in, head.contentLength());
            } else {
                body = BodyStreams.empty();
            }
        }

        public HttpHead head() {
            return head;
        }

        public String method() {
            return head.startLine().split(" ", 3)[0];
        }

        public String target() {
            return head.startLine().split(" ", 3)[1];
        }

        /** @return the request body, de-chunked; ends where the request's framing says */
        public InputStream body() {
            return body;
        }

        /** @return the raw (buffered) socket output; flush to put bytes on the wire */
        public OutputStream out() {
            return out;
        }

        public Socket socket() {
            return socket;
        }

        /** Closes the connection after this exchange instead of keeping it alive. */
        public void closeAfter() {
            closeRequested = true;
        }

        /** Closes the connection now with a TCP reset (SO_LINGER 0) instead of an orderly FIN. */
        public void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
            closeRequested = true;
        }

        boolean bodyFullyRead() {
            return body.finished();
        }

        /** Reads the whole body (keeping it if small), records the request, and returns the record. */
        public RecordedRequest readAndRecord() throws IOException {
            MessageDigest md = Payload.sha256();
            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = body.read(buf)) >= 0; ) {
                md.update(buf, 0, n);
                if (total + n <= KEEP_BODY_LIMIT) {
                    kept.write(buf, 0, n);
                }
                total += n;
            }
            RecordedRequest r = new RecordedRequest(head, total <= KEEP_BODY_LIMIT ? kept.toByteArray() : null,
                    new Payload.Digest(total, HexFormat.of().formatHex(md.digest())));
            upstream.recorded.add(r);
            return r;
        }

        /** Writes the head; each header is {@code "Name: value"}. */
        public void writeHead(int status, String reason, String... headers) throws IOException {
            StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
            for (String h : headers) {
                sb.append(h).append("\r\n");
            }
            sb.append("\r\n");
            out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        }

        /**
         * A complete response. Content-Length is added unless a header frames the body already, or the response
         * has none by definition (HEAD, 1xx, 204, 304).
         */
        public void respond(int status, String reason, byte[] body, String... headers) throws IOException {
            boolean framed = false;
            for (String h : headers) {
                String lower = h.toLowerCase(Locale.ROOT);
                framed |= lower.startsWith("content-length:") || lower.startsWith("transfer-encoding:");
            }
            boolean bodiless = method().equals("HEAD") || status < 200 || status == 204 || status == 304;
            if (!framed && !bodiless) {
                String[] more = new String[headers.length + 1];
                System.arraycopy(headers, 0, more, 0, headers.length);
                more[headers.length] = "Content-Length: " + body.length;
                headers = more;
            }
            writeHead(status, reason, headers);
            if (!bodiless) {
                out.write(body);
            }
            out.flush();
        }
    }
}
