package dev.streamproxy.internal.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw HTTP/1.1 upstream on 127.0.0.1 whose every byte is scripted by the test: each accepted connection runs
 * {@link Script#serve} on its own thread. Counts connections, so a test can tell reuse from a fresh connection.
 */
final class ScriptedUpstream implements AutoCloseable {

    /** What the upstream does on one connection. */
    @FunctionalInterface
    interface Script {
        void serve(Socket socket, int connectionIndex) throws Exception;
    }

    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    ScriptedUpstream(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    sockets.add(s);
                    int index = accepted.getAndIncrement();
                    Thread t = new Thread(() -> {
                        try (s) {
                            script.serve(s, index);
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }, "scripted-upstream-" + index);
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "scripted-upstream-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    Endpoint endpoint() {
        return new Endpoint("http", "127.0.0.1", server.getLocalPort(), null);
    }

    int connections() {
        return accepted.get();
    }

    List<Throwable> failures() {
        return failures;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** Reads a request head (up to and including the blank line) as ISO-8859-1 text, or null at end of stream. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads exactly {@code n} bytes or to the end of stream; returns how many were read. */
    static long skip(InputStream in, long n) throws IOException {
        byte[] buffer = new byte[8192];
        long total = 0;
        while (total < n) {
            int r = in.read(buffer, 0, (int) Math.min(buffer.length, n - total));
            if (r < 0) {
                break;
            }
            total += r;
        }
        return total;
    }

    static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }
}
