package dev.streamproxy.benchmark.load;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * One WebSocket client connection (RFC 6455) on a plain blocking socket, the load generator's whole WebSocket
 * client. The handshake asks for no extension and no subprotocol. Frames to the server are pre-built once
 * ({@link #frame}: header, mask key, masked payload) and written as they are; echoes are parsed in place in the
 * connection's buffer and compared with the bytes sent, so nothing is allocated per message and the client costs the
 * same against every contender. One fixed mask key serves every frame: the key is meant to keep intermediaries from
 * predicting the bytes on the wire, which does not matter on loopback, and no server checks it.
 */
public final class WebSocketConnection implements AutoCloseable {

    public static final byte BINARY = 0x2;
    static final byte CLOSE = 0x8;
    private static final byte[] MASK = {0x5a, (byte) 0xc3, 0x17, (byte) 0x9e};
    /** RFC 6455's example key and its accept value: the server's answer is checked against it. */
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    /** A close frame with status 1000 (normal closure). */
    private static final byte[] CLOSE_FRAME = frame(CLOSE, new byte[] {0x03, (byte) 0xe8}, 0, 2);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf;
    private int pos;
    private int lim;
    private boolean closeSent;

    private WebSocketConnection(Socket socket, int bufferSize) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.buf = new byte[bufferSize];
    }

    /**
     * Connects and completes the opening handshake.
     *
     * @param bufferSize    the read buffer (at least the server's 101 head; larger means fewer reads per big message)
     * @param readTimeoutMs the longest wait for any read: a lost message fails instead of hanging
     */
    public static WebSocketConnection open(InetSocketAddress address, String path, int bufferSize, int readTimeoutMs)
            throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(readTimeoutMs);
            s.connect(address, 10_000);
            WebSocketConnection c = new WebSocketConnection(s, Math.max(bufferSize, 1024));
            c.handshake(address, path);
            return c;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void handshake(InetSocketAddress address, String path) throws IOException {
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + address.getHostString() + ":" + address.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n"
                + "User-Agent: streamproxy-bench\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        int end;
        while ((end = headEnd()) < 0) {
            if (lim == buf.length) {
                throw new IOException("handshake answer head over " + buf.length + " bytes");
            }
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                throw new EOFException("connection closed during the handshake after " + lim + " bytes");
            }
            lim += n;
        }
        String head = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
        pos = end;
        String status = head.substring(0, Math.max(0, head.indexOf('\r')));
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake answered '" + status + "'");
        }
        if (!head.toLowerCase(Locale.ROOT).contains("\r\nsec-websocket-accept: " + ACCEPT.toLowerCase(Locale.ROOT) + "\r\n")) {
            throw new IOException("handshake answer without the right Sec-WebSocket-Accept: " + head.replace("\r\n", " | "));
        }
    }

    /** The index just past the first blank line in the buffer, or -1. */
    private int headEnd() {
        for (int i = 3; i < lim; i++) {
            if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /** A masked client frame, FIN set, ready to be written as it is. */
    public static byte[] frame(byte opcode, byte[] payload, int off, int len) {
        int header = len < 126 ? 2 : len <= 0xffff ? 4 : 10;
        byte[] f = new byte[header + 4 + len];
        f[0] = (byte) (0x80 | opcode);
        if (len < 126) {
            f[1] = (byte) (0x80 | len);
        } else if (len <= 0xffff) {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (len >>> 8);
            f[3] = (byte) len;
        } else {
            f[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) len >>> (56 - 8 * i));
            }
        }
        System.arraycopy(MASK, 0, f, header, 4);
        for (int i = 0; i < len; i++) {
            f[header + 4 + i] = (byte) (payload[off + i] ^ MASK[i & 3]);
        }
        return f;
    }

    /**
     * Sends one pre-built frame and reads the echoed message (one frame, or several with continuations), checking
     * every byte against {@code expected[off, off + len)}.
     *
     * @throws IOException on a wrong length or byte, a close from the other side, a read timeout, a reset
     */
    public void echo(byte[] frame, byte[] expected, int off, int len) throws IOException {
        out.write(frame);
        long got = 0;
        while (true) {
            int opcode = header();
            boolean fin = (buf[pos] & 0x80) != 0;
            if (opcode == CLOSE) {
                int code = -1;
                if ((buf[pos + 1] & 0x7f) >= 2) {
                    ensure(4);
                    code = ((buf[pos + 2] & 0xff) << 8) | (buf[pos + 3] & 0xff);
                }
                throw new EOFException("close frame " + (buf[pos + 1] & 0x7f) + " bytes, code " + code
                        + " from the other side while waiting for an echo: " + dump());
            }
            long length = payloadLength();
            if (opcode > CLOSE) {
                skip(length);
                continue; // ping or pong: nothing is sent here that expects one; a ping needs no answer for this test
            }
            if (got + length > len) {
                throw new IOException("echo longer than the " + len + " bytes sent");
            }
            while (length > 0) {
                if (pos == lim) {
                    fill();
                }
                int n = (int) Math.min(length, lim - pos);
                int at = off + (int) got;
                if (!Arrays.equals(buf, pos, pos + n, expected, at, at + n)) {
                    throw new IOException("echo differs from the bytes sent within bytes " + got + "-" + (got + n));
                }
                pos += n;
                got += n;
                length -= n;
            }
            if (fin) {
                break;
            }
        }
        if (got != len) {
            throw new IOException("echo of " + got + " bytes for " + len + " sent");
        }
    }

    /**
     * Waits for the first two bytes of a frame and checks that they can be a server's: no RSV bit (no extension was
     * negotiated), no mask, a known opcode. An HTTP answer where a frame should be (a container that did not switch
     * protocols) fails here, with its first bytes in the message.
     *
     * @return the frame's opcode
     */
    private int header() throws IOException {
        ensure(2);
        int opcode = buf[pos] & 0x0f;
        if ((buf[pos] & 0x70) != 0 || (buf[pos + 1] & 0x80) != 0 || (opcode > 2 && opcode < CLOSE) || opcode > 0xA) {
            throw new IOException("not a server's WebSocket frame header (RSV bits with no extension, a mask, or an "
                    + "unknown opcode): " + dump());
        }
        return opcode;
    }

    /** Up to 80 bytes from {@code pos}, printable ones as they are, others as {@code \xNN}: for error messages. */
    private String dump() {
        StringBuilder sb = new StringBuilder("'");
        for (int i = pos; i < Math.min(lim, pos + 80); i++) {
            int b = buf[i] & 0xff;
            sb.append(b >= 0x20 && b < 0x7f ? Character.toString(b) : String.format("\\x%02x", b));
        }
        return sb.append("'").toString();
    }

    /** Reads the length fields of the frame at {@code pos} and moves past the header (server frames are unmasked). */
    private long payloadLength() throws IOException {
        int b1 = buf[pos + 1] & 0x7f;
        if (b1 < 126) {
            pos += 2;
            return b1;
        }
        if (b1 == 126) {
            ensure(4);
            long n = ((buf[pos + 2] & 0xffL) << 8) | (buf[pos + 3] & 0xffL);
            pos += 4;
            return n;
        }
        ensure(10);
        long n = 0;
        for (int i = 0; i < 8; i++) {
            n = (n << 8) | (buf[pos + 2 + i] & 0xffL);
        }
        pos += 10;
        return n;
    }

    private void skip(long length) throws IOException {
        while (length > 0) {
            if (pos == lim) {
                fill();
            }
            int n = (int) Math.min(length, lim - pos);
            pos += n;
            length -= n;
        }
    }

    /** At least {@code k} unread bytes in the buffer, moved to its start when they would not fit. */
    private void ensure(int k) throws IOException {
        if (lim - pos >= k) {
            return;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        while (lim < k) {
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                throw new EOFException("connection closed by the other side");
            }
            lim += n;
        }
    }

    private void fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            throw new EOFException("connection closed by the other side");
        }
        pos = 0;
        lim = n;
    }

    /** Sends a close frame (1000) without waiting: the first half of {@link #closeCleanly()}, for many at once. */
    public void sendClose() throws IOException {
        if (!closeSent) {
            closeSent = true;
            out.write(CLOSE_FRAME);
        }
    }

    /**
     * The closing handshake: a close frame, then frames are read (and dropped) until the other side's close frame,
     * then the socket is closed.
     *
     * @return true when the other side answered with a close frame; false when it ended the connection otherwise
     */
    public boolean closeCleanly() {
        try {
            sendClose();
            while (true) {
                int opcode = header();
                long length = payloadLength();
                skip(length);
                if (opcode == CLOSE) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
