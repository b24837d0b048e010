package dev.streamproxy.benchmark.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The one upstream every contender talks to: a non-blocking Jetty core handler, so that it is never the
 * bottleneck and holds thousands of SSE streams without a thread each.
 * <ul>
 *   <li>{@code GET /svc/bytes?size=N} - N pattern bytes with Content-Length (any size, streamed 1 MiB at a time)</li>
 *   <li>{@code POST|PUT /svc/sink[?crc]} - drains the body; answers {@code bytes=N crc=X} (CRC32C only with ?crc)</li>
 *   <li>{@code GET /svc/sse?events=E&intervalMs=I} - E events {@code data: k t\n\n}, the first at once, then every
 *   I ms, where t is the sender's System.nanoTime() (CLOCK_MONOTONIC, comparable across processes on Linux)</li>
 *   <li>{@code GET /svc/requests} - {@code requests=N}: the requests this process has received so far, this one
 *   not counted (the fleet mode reads how a proxy spread its requests)</li>
 *   <li>{@code GET /svc/ws} with {@code Upgrade: websocket} - a WebSocket session that echoes every data frame
 *   ({@link WebSocketEcho}); not counted in {@code /svc/requests}</li>
 * </ul>
 * Arguments: {@code [port [request-log]]}. With a request log, the {@code X-Bench-Id} header of every request that
 * carries one is appended to that file as the request arrives, one per line, with a write straight to the kernel:
 * a process killed with SIGKILL a moment later has still recorded every request that reached it.
 * Prints {@code READY port=P} when listening.
 */
public final class Upstream extends Handler.Abstract.NonBlocking {

    private static final ByteBuffer PATTERN = ByteBuffer.allocateDirect(PatternData.CHUNK)
            .put(PatternData.source(), PatternData.offset(0), PatternData.CHUNK).flip();

    /** The request header whose value the request log records. */
    public static final String ID_HEADER = "X-Bench-Id";

    private final LongAdder requests = new LongAdder();
    private final FileChannel requestLog;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sse-ticker");
        t.setDaemon(true);
        return t;
    });

    private Upstream(FileChannel requestLog) {
        this.requestLog = requestLog;
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        FileChannel requestLog = args.length > 1 ? FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND) : null;
        Server server = start(port, requestLog);
        System.out.println("READY port=" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
        System.out.flush();
        server.join();
    }

    /**
     * Starts an upstream on 127.0.0.1 in this JVM (its threads are named {@code upstream-*}).
     *
     * @param port       0 for any free port
     * @param requestLog where to record request ids, or null
     * @return the started server; its first connector has the port
     */
    public static Server start(int port, FileChannel requestLog) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(400, 8);
        pool.setName("upstream");
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(4096);
        connector.setIdleTimeout(300_000);
        server.addConnector(connector);
        server.setHandler(WebSocketEcho.wrap(new Upstream(requestLog)));
        server.start();
        return server;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String query = request.getHttpURI().getQuery();
        if (path.equals("/svc/requests")) {
            text(response, callback, "requests=" + requests.sum() + "\n");
            return true;
        }
        requests.increment();
        if (requestLog != null) {
            record(request.getHeaders().get(ID_HEADER));
        }
        switch (path) {
            case "/svc/bytes" -> bytes(response, callback, longParam(query, "size", 1024));
            case "/svc/sink" -> drain(request, response, callback, new Sink(query != null && query.contains("crc")));
            case "/svc/sse" -> sse(response, callback, (int) longParam(query, "events", 2),
                    longParam(query, "intervalMs", 20));
            default -> {
                response.setStatus(404);
                response.write(true, ByteBuffer.wrap("not found\n".getBytes(StandardCharsets.US_ASCII)), callback);
            }
        }
        return true;
    }

    private void record(String id) {
        if (id == null) {
            return;
        }
        try {
            // one write per id: O_APPEND keeps concurrent lines whole, and the bytes are the kernel's once written
            requestLog.write(ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void text(Response response, Callback callback, String text) {
        byte[] body = text.getBytes(StandardCharsets.US_ASCII);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static void bytes(Response response, Callback callback, long size) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, size);
        if (size <= PatternData.CHUNK) {
            response.write(true, PATTERN.slice(0, (int) size), callback);
            return;
        }
        new IteratingCallback() {
            private long sent;
            private long chunk;

            @Override
            protected Action process() {
                if (sent >= size) {
                    return Action.SUCCEEDED;
                }
                int n = (int) Math.min(PatternData.CHUNK, size - sent);
                ByteBuffer b = ByteBuffer.wrap(PatternData.source(), PatternData.offset(chunk++), n);
                sent += n;
                response.write(sent >= size, b, this);
                return Action.SCHEDULED;
            }

            @Override
            protected void onCompleteSuccess() {
                callback.succeeded();
            }

            @Override
            protected void onCompleteFailure(Throwable cause) {
                callback.failed(cause);
            }
        }.iterate();
    }

    private static final class Sink {
        final CRC32C crc;
        long bytes;

        Sink(boolean withCrc) {
            crc = withCrc ? new CRC32C() : null;
        }
    }

    private static void drain(Request request, Response response, Callback callback, Sink sink) {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(() -> drain(request, response, callback, sink));
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                callback.failed(chunk.getFailure());
                return;
            }
            ByteBuffer b = chunk.getByteBuffer();
            sink.bytes += b.remaining();
            if (sink.crc != null) {
                sink.crc.update(b);
            }
            boolean last = chunk.isLast();
            chunk.release();
            if (last) {
                String text = "bytes=" + sink.bytes + " crc=" + (sink.crc == null ? "-" : Long.toHexString(sink.crc.getValue())) + "\n";
                byte[] body = text.getBytes(StandardCharsets.US_ASCII);
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                response.write(true, ByteBuffer.wrap(body), callback);
                return;
            }
        }
    }

    private void sse(Response response, Callback callback, int events, long intervalMs) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        sendEvent(response, callback, 1, events, intervalMs);
    }

    private void sendEvent(Response response, Callback callback, int k, int events, long intervalMs) {
        byte[] event = ("data: " + k + " " + System.nanoTime() + "\n\n").getBytes(StandardCharsets.US_ASCII);
        boolean last = k >= events;
        response.write(last, ByteBuffer.wrap(event), Callback.from(() -> {
            if (last) {
                callback.succeeded();
            } else {
                scheduler.schedule(() -> sendEvent(response, callback, k + 1, events, intervalMs), intervalMs,
                        TimeUnit.MILLISECONDS);
            }
        }, callback::failed));
    }

    static long longParam(String query, String name, long fallback) {
        if (query == null) {
            return fallback;
        }
        for (String part : query.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).equals(name)) {
                return Long.parseLong(part.substring(eq + 1));
            }
        }
        return fallback;
    }
}
