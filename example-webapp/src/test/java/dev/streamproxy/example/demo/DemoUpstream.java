package dev.streamproxy.example.demo;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.HexFormat;

/**
 * The service the example proxies to, on 127.0.0.1; the demo runs two of them, on two ports. It answers on every base
 * path (so every route of the example's web.xml reaches it) and picks what to do from the last path segment:
 * <ul>
 *   <li>{@code .../whoami}: {@code upstream <port>}, the port this upstream listens on</li>
 *   <li>{@code .../download?size=100MiB}: that many bytes of {@link DemoContent}, generated on the fly</li>
 *   <li>{@code .../events?count=N}: a server-sent-events clock, one event per second (at most an hour)</li>
 *   <li>{@code .../redirect}: a 302 to this upstream's own {@code .../echo}, which the proxy rewrites</li>
 *   <li>{@code .../ws}, a WebSocket handshake: a WebSocket echo of every text and binary message
 *       ({@link DemoWebSocketEcho}); the same path without a handshake is an ordinary echo</li>
 *   <li>anything else: an echo of the request line and headers as received, and the body's size and SHA-256
 *       (the body itself too when it is short); the body is read to the end before answering</li>
 * </ul>
 * Every answer carries {@code X-Upstream: 127.0.0.1:<port>}, so a client behind the proxy sees which upstream
 * answered.
 */
public final class DemoUpstream {

    private DemoUpstream() {
    }

    /** Starts the upstream on {@code host:port} (0 = any free port); the caller stops the returned server. */
    public static Server start(String host, int port) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder("demo-upstream", new UpstreamServlet()), "/*");
        server.setHandler(DemoWebSocketEcho.wrap(context));
        server.start();
        return server;
    }

    static final class UpstreamServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final int ECHO_BODY_LIMIT = 4096;
        private static final int MAX_EVENTS = 3600;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setHeader("X-Upstream", req.getLocalAddr() + ":" + req.getLocalPort());
            String path = req.getRequestURI();
            String last = path.substring(path.lastIndexOf('/') + 1);
            switch (last) {
                case "whoami" -> whoami(req, resp);
                case "download" -> download(req, resp);
                case "events" -> events(req, resp);
                case "redirect" -> redirect(req, resp);
                default -> echo(req, resp);
            }
        }

        private static void whoami(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            byte[] bytes = ("upstream " + req.getLocalPort() + "\n").getBytes(StandardCharsets.UTF_8);
            resp.setContentType("text/plain;charset=UTF-8");
            resp.setContentLength(bytes.length);
            resp.getOutputStream().write(bytes);
        }

        private static void download(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            long size;
            try {
                size = DemoContent.parseSize(req.getParameter("size") == null ? "10MiB" : req.getParameter("size"));
            } catch (IllegalArgumentException e) {
                resp.sendError(400, e.getMessage());
                return;
            }
            resp.setContentType("application/octet-stream");
            resp.setContentLengthLong(size);
            resp.setHeader("Content-Disposition", "attachment; filename=\"demo-" + size + ".bin\"");
            if (!"HEAD".equals(req.getMethod())) {
                DemoContent.write(resp.getOutputStream(), size);
            }
        }

        private static void events(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            int count = MAX_EVENTS;
            String param = req.getParameter("count");
            if (param != null) {
                try {
                    count = Math.max(1, Math.min(MAX_EVENTS, Integer.parseInt(param)));
                } catch (NumberFormatException e) {
                    resp.sendError(400, "count '" + param + "' is not a whole number");
                    return;
                }
            }
            resp.setContentType("text/event-stream;charset=UTF-8");
            resp.setHeader("Cache-Control", "no-cache");
            ServletOutputStream out = resp.getOutputStream();
            for (int id = 1; id <= count; id++) {
                String event = "id: " + id + "\ndata: " + id + " " + Instant.now().truncatedTo(ChronoUnit.MILLIS) + "\n\n";
                out.write(event.getBytes(StandardCharsets.UTF_8));
                out.flush(); // the client (through the proxy) sees each event now, not when a buffer fills
                if (id < count) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        private static void redirect(HttpServletRequest req, HttpServletResponse resp) {
            String path = req.getRequestURI();
            String echo = path.substring(0, path.length() - "redirect".length()) + "echo";
            resp.setStatus(302);
            // Absolute, pointing at this upstream: the proxy rewrites it to its own URL (rewriteRedirects=true).
            resp.setHeader("Location", "http://" + req.getLocalAddr() + ":" + req.getLocalPort() + echo);
        }

        private static void echo(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            StringBuilder text = new StringBuilder(512);
            text.append("upstream received: ").append(req.getMethod()).append(' ').append(req.getRequestURI());
            if (req.getQueryString() != null) {
                text.append('?').append(req.getQueryString());
            }
            text.append(' ').append(req.getProtocol()).append('\n');
            for (String name : Collections.list(req.getHeaderNames())) {
                for (String value : Collections.list(req.getHeaders(name))) {
                    text.append(name).append(": ").append(value).append('\n');
                }
            }

            // Read the whole body before answering: this upstream never writes while the request is still coming.
            MessageDigest digest = DemoContent.newSha256();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            long total = 0;
            byte[] buffer = new byte[64 * 1024];
            ServletInputStream in = req.getInputStream();
            for (int n; (n = in.read(buffer)) != -1; ) {
                digest.update(buffer, 0, n);
                if (head.size() < ECHO_BODY_LIMIT + 1) {
                    head.write(buffer, 0, Math.min(n, ECHO_BODY_LIMIT + 1 - head.size()));
                }
                total += n;
            }
            text.append('\n').append("body: ").append(total).append(" bytes, sha256 ")
                    .append(HexFormat.of().formatHex(digest.digest())).append('\n');
            if (total > 0 && total <= ECHO_BODY_LIMIT) {
                text.append(head.toString(StandardCharsets.UTF_8)).append('\n');
            }

            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            resp.setContentType("text/plain;charset=UTF-8");
            resp.setHeader("X-Demo-Upstream", "echo");
            resp.setContentLength(bytes.length);
            resp.getOutputStream().write(bytes);
        }
    }
}
