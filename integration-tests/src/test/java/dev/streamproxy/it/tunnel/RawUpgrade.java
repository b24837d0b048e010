package dev.streamproxy.it.tunnel;

import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.Upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;

/**
 * Upgrades on raw sockets, where a test needs every byte and every end of stream under its control: the client's
 * request, the raw upstream's {@code 101} (with the {@code Sec-WebSocket-Accept} a real WebSocket client checks), a
 * server's text frame, and reading to the end of a stream with a deadline. Public for the real Tomcat distribution's
 * WebSocket test ({@code TomcatDistributionWarIT}).
 */
public final class RawUpgrade {

    /** The key of RFC 6455's example handshake. */
    public static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private RawUpgrade() {
    }

    /** @return a WebSocket opening handshake for {@code target}, with {@code Content-Length: 0} as the JDK sends it */
    static RawRequest websocket(String target) {
        return websocketWithoutContentLength(target).header("Content-Length", "0");
    }

    /** @return a WebSocket opening handshake without {@code Content-Length}, as browsers send it */
    public static RawRequest websocketWithoutContentLength(String target) {
        return RawRequest.get(target).header("Upgrade", "websocket").header("Connection", "Upgrade")
                .header("Sec-WebSocket-Key", KEY).header("Sec-WebSocket-Version", "13");
    }

    /** The raw upstream's side: answers {@code 101} to the handshake it received, with the right accept key. */
    public static void switchProtocols(Upstream.Exchange ex) throws IOException {
        String key = ex.head().first("Sec-WebSocket-Key");
        ex.writeHead(101, "Switching Protocols", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Accept: " + accept(key == null ? KEY : key));
        ex.out().flush();
        ex.closeAfter();
    }

    /** @return the {@code Sec-WebSocket-Accept} for a key (RFC 6455 section 4.2.2) */
    public static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                    .getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a server's unmasked text frame (FIN set) carrying {@code text}, under 126 bytes */
    public static byte[] serverTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[payload.length + 2];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        return frame;
    }

    /** What a read to the end of a stream found: the bytes, and how it ended. */
    public record Read(String text, String end) {
        public static final String EOF = "EOF";
        static final String TIMEOUT = "timeout";

        boolean endedCleanly() {
            return EOF.equals(end);
        }
    }

    /** Reads {@code in} (of {@code socket}) until its end, an error, or {@code timeout} without a byte. */
    public static Read readToEnd(Socket socket, InputStream in, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        String end;
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bytes.write(buffer, 0, n);
            }
            end = Read.EOF;
        } catch (SocketTimeoutException e) {
            end = Read.TIMEOUT;
        } catch (IOException e) {
            end = e.toString();
        }
        return new Read(bytes.toString(StandardCharsets.ISO_8859_1), end);
    }

    /** Reads the client's side to its end. */
    static Read readToEnd(ClientConnection c, Duration timeout) throws IOException {
        return readToEnd(c.socket(), c.input(), timeout);
    }
}
