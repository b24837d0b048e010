package dev.streamproxy.boot.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The upstream: a real HTTP/1.1 server (the JDK's) on an ephemeral port of 127.0.0.1, under {@code /svc}.
 * <ul>
 * <li>{@code /svc/echo}: reads the whole request and answers with its method, raw request target, headers, and the
 *     body's SHA-256 and length ({@link EchoReply});</li>
 * <li>{@code /svc/download?size=N&seed=S}: streams {@link Payload#stream(long, long)} with a Content-Length, and
 *     reports how it ended to {@link #downloads()};</li>
 * <li>{@code /svc/events}: server-sent events; sends event 1, then holds the response open until the test opens
 *     {@link #eventGate()}, then sends event 2 and ends.</li>
 * </ul>
 */
public final class Upstream implements AutoCloseable {

    /**
     * How long an events response waits for its gate: shorter than a test's timeout, so that a proxy which holds
     * event 1 back fails the test with "gate never opened" in event 2 rather than with a timeout.
     */
    private static final Duration GATE_LIMIT = Duration.ofSeconds(20);

    private final HttpServer server;
    private final ExecutorService executor;
    private final BlockingQueue<DownloadOutcome> downloads = new LinkedBlockingQueue<>();
    private volatile CountDownLatch eventGate = new CountDownLatch(1);

    private Upstream(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** @return a started upstream */
    public static Upstream start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // one thread per exchange: an events response parked on its gate must not hold up the others
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "upstream");
            t.setDaemon(true);
            return t;
        });
        Upstream upstream = new Upstream(server, executor);
        server.createContext("/svc/echo", upstream::echo);
        server.createContext("/svc/download", upstream::download);
        server.createContext("/svc/events", upstream::events);
        server.setExecutor(executor);
        server.start();
        return upstream;
    }

    /** @return the proxy target for this upstream, e.g. {@code http://127.0.0.1:40123/svc} */
    public String target() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/svc";
    }

    /** @return how each download ended, in order; a test clears it before it starts one */
    public BlockingQueue<DownloadOutcome> downloads() {
        return downloads;
    }

    /** @return a fresh, closed gate for the next events response; count it down to let event 2 go */
    public CountDownLatch eventGate() {
        eventGate = new CountDownLatch(1);
        return eventGate;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void echo(HttpExchange ex) throws IOException {
        try {
            Payload.Digest body;
            try (InputStream in = ex.getRequestBody()) {
                body = Payload.sha256(in);
            }
            Map<String, String> fields = new TreeMap<>();
            fields.put("method", ex.getRequestMethod());
            // the URI is built from the request line, and toString() returns that text unchanged (raw, byte-exact)
            fields.put("uri", ex.getRequestURI().toString());
            fields.put("body-sha256", body.hex());
            fields.put("body-bytes", Long.toString(body.bytes()));
            for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
                fields.put("header." + h.getKey().toLowerCase(Locale.ROOT), String.join(", ", h.getValue()));
            }
            byte[] reply = EchoReply.format(fields).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(200, reply.length);
            ex.getResponseBody().write(reply);
        } finally {
            ex.close(); // HttpExchange is AutoCloseable only from Java 18
        }
    }

    private void download(HttpExchange ex) throws IOException {
        try {
            ex.getRequestBody().readAllBytes();
            Map<String, String> query = EchoReply.parseQuery(ex.getRequestURI().getRawQuery());
            long size = Long.parseLong(query.get("size"));
            long seed = Long.parseLong(query.get("seed"));
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, size);
            long written = 0;
            try (InputStream data = Payload.stream(size, seed)) {
                OutputStream out = ex.getResponseBody();
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = data.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    written += n;
                }
                out.flush();
                downloads.add(new DownloadOutcome(size, written, null));
            } catch (IOException e) {
                downloads.add(new DownloadOutcome(size, written, e));
            }
        } finally {
            ex.close();
        }
    }

    private void events(HttpExchange ex) throws IOException {
        CountDownLatch gate = eventGate;
        try {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.sendResponseHeaders(200, 0); // 0: chunked, length unknown
            OutputStream out = ex.getResponseBody();
            out.write("id: 1\ndata: first\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush(); // sends the chunk now: the client can only see event 1 if the proxy streams it on
            boolean opened = gate.await(GATE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            String last = opened ? "id: 2\ndata: second\n\n" : "id: 2\ndata: gate never opened\n\n";
            out.write(last.getBytes(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ex.close();
        }
    }

    /**
     * How one download ended at the upstream.
     *
     * @param size    the bytes it was to send
     * @param written the bytes it wrote before it ended
     * @param failure why writing stopped early, or null when it wrote everything
     */
    public record DownloadOutcome(long size, long written, IOException failure) {
    }
}
