package dev.streamproxy.it.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A raw HTTP/1.1 client connection to 127.0.0.1: the test writes exactly the bytes it wants, when it wants (so an
 * upload can pause mid-body), and reads the response as it arrives. Every read is bounded by a socket timeout.
 */
public final class ClientConnection implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String authority;

    private ClientConnection(Socket socket, String authority) throws IOException {
        this.socket = socket;
        this.authority = authority;
        socket.setSoTimeout(20_000);
        socket.setTcpNoDelay(true);
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    public static ClientConnection open(int port) throws IOException {
        return new ClientConnection(new Socket(InetAddress.getLoopbackAddress(), port), "127.0.0.1:" + port);
    }

    /** Writes the request (head and whatever body it carries) and flushes. */
    public ClientConnection send(RawRequest request) throws IOException {
        out.write(request.toBytes(authority));
        out.flush();
        return this;
    }

    /** Writes raw bytes (more body, a chunk) and flushes. */
    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void write(String ascii) throws IOException {
        write(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    public HttpHead readHead() throws IOException {
        HttpHead head = HttpHead.read(in);
        if (head == null) {
            throw new java.io.EOFException("connection closed before a response arrived");
        }
        return head;
    }

    /** @return the body of a response to {@code requestMethod}, framed as its head says */
    public InputStream body(HttpHead head, String requestMethod) {
        int status = Integer.parseInt(head.startLine().split(" ", 3)[1]);
        if (requestMethod.equals("HEAD") || status < 200 || status == 204 || status == 304) {
            return BodyStreams.empty();
        }
        if (head.chunked()) {
            return BodyStreams.chunked(in);
        }
        if (head.contentLength() >= 0) {
            return BodyStreams.fixedLength(in, head.contentLength());
        }
        return in; // delimited by the end of the connection
    }

    /** Reads a complete response (skipping 1xx interim responses). */
    public RawResponse readResponse(String requestMethod) throws IOException {
        HttpHead head = readHead();
        while (head.startLine().split(" ", 3)[1].startsWith("1")) {
            head = readHead();
        }
        return new RawResponse(head, body(head, requestMethod).readAllBytes());
    }

    public Socket socket() {
        return socket;
    }

    /** @return the connection's buffered input: after a {@code 101}, the new protocol's bytes (some may be buffered) */
    public InputStream input() {
        return in;
    }

    /** Closes with a TCP reset instead of an orderly FIN: the abrupt disconnect of a client that went away. */
    public void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
