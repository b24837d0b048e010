package dev.streamproxy.benchmark.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One keep-alive HTTP/1.1 client connection on a plain blocking socket: the load generator's whole client. A request
 * is written from pre-built bytes, the response is parsed in place in a 64 KiB buffer; nothing is allocated per
 * request, so the client costs the same, and little, against every contender.
 */
public final class BlockingConnection implements AutoCloseable {

    private final InetSocketAddress address;
    private final int readTimeoutMs;
    private final byte[] buf = new byte[64 * 1024];
    private final ResponseParser parser = new ResponseParser(1024);
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int pos;
    private int lim;
    private int connects;

    public BlockingConnection(InetSocketAddress address) {
        this(address, 120_000);
    }

    /** @param readTimeoutMs the longest wait for any read (a response that stalls longer fails) */
    BlockingConnection(InetSocketAddress address, int readTimeoutMs) {
        this.address = address;
        this.readTimeoutMs = readTimeoutMs;
    }

    private void ensureOpen() throws IOException {
        if (socket == null) {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.setSoTimeout(readTimeoutMs);
            s.connect(address, 10_000);
            socket = s;
            in = s.getInputStream();
            out = s.getOutputStream();
            pos = 0;
            lim = 0;
            connects++;
        }
    }

    /** How many TCP connections this has opened (1 when keep-alive held throughout). */
    int connects() {
        return connects;
    }

    OutputStream output() throws IOException {
        ensureOpen();
        return out;
    }

    /** Sends head and body (may be null), reads the whole response and returns its status. */
    public int exchange(byte[] head, byte[] body, int bodyOff, int bodyLen, ResponseParser.BodyListener listener) throws IOException {
        ensureOpen();
        try {
            out.write(head);
            if (body != null) {
                out.write(body, bodyOff, bodyLen);
            }
            return readResponse(listener);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Reads one response (after the caller wrote a request through {@link #output()}). */
    int readResponse(ResponseParser.BodyListener listener) throws IOException {
        parser.reset(listener);
        while (!parser.done()) {
            if (pos < lim) {
                pos += parser.feed(buf, pos, lim - pos);
            } else {
                int n = in.read(buf);
                if (n < 0) {
                    parser.onEof();
                    break;
                }
                pos = 0;
                lim = n;
            }
        }
        int status = parser.status();
        if (parser.closeAfter()) {
            close();
        }
        return status;
    }

    public long lastBodyBytes() {
        return parser.bodyBytes();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
            socket = null;
        }
    }
}
