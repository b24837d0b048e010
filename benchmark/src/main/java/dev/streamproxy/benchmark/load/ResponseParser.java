package dev.streamproxy.benchmark.load;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A push parser for one HTTP/1.1 response at a time, shared by the blocking load workers and the non-blocking SSE
 * fleet. It copies only the header block; body bytes are handed to a {@link BodyListener} (or skipped) in place,
 * so a worker allocates nothing per request. Understands Content-Length, chunked, and read-to-close bodies.
 */
public final class ResponseParser {

    /** Receives the decoded (de-chunked) body bytes. */
    public interface BodyListener {
        BodyListener SKIP = (b, off, len) -> { };

        void onBody(byte[] b, int off, int len);
    }

    private static final int HEAD = 0;
    private static final int FIXED = 1;
    private static final int CHUNK_SIZE = 2;
    private static final int CHUNK_DATA = 3;
    private static final int CHUNK_CRLF = 4;
    private static final int TRAILER = 5;
    private static final int TO_EOF = 6;
    private static final int DONE = 7;

    private byte[] head;
    private int headLen;
    private int state = DONE;
    private BodyListener listener = BodyListener.SKIP;

    private int status;
    private boolean close;
    private long remaining;
    private long chunkSize;
    private int lineLen;
    private long bodyBytes;

    ResponseParser(int initialHeadCapacity) {
        this.head = new byte[initialHeadCapacity];
    }

    void reset(BodyListener bodyListener) {
        this.listener = bodyListener;
        state = HEAD;
        headLen = 0;
        status = 0;
        close = false;
        remaining = 0;
        chunkSize = 0;
        lineLen = 0;
        bodyBytes = 0;
    }

    boolean done() {
        return state == DONE;
    }

    int status() {
        return status;
    }

    /** True when the server asked to close, or the body is delimited by the close. */
    boolean closeAfter() {
        return close;
    }

    long bodyBytes() {
        return bodyBytes;
    }

    boolean headersComplete() {
        return state != HEAD;
    }

    /** Consumes bytes up to the end of the current response and returns how many it took. */
    int feed(byte[] b, int off, int len) throws IOException {
        int p = off;
        int end = off + len;
        while (p < end && state != DONE) {
            switch (state) {
                case HEAD -> p = feedHead(b, p, end);
                case FIXED, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - p);
                    body(b, p, n);
                    p += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = state == FIXED ? DONE : CHUNK_CRLF;
                    }
                }
                case CHUNK_SIZE -> p = feedChunkSize(b, p, end);
                case CHUNK_CRLF -> {
                    if (b[p++] == '\n') {
                        state = CHUNK_SIZE;
                        chunkSize = 0;
                    }
                }
                case TRAILER -> {
                    byte c = b[p++];
                    if (c == '\n') {
                        if (lineLen == 0) {
                            state = DONE;
                        }
                        lineLen = 0;
                    } else if (c != '\r') {
                        lineLen++;
                    }
                }
                case TO_EOF -> {
                    body(b, p, end - p);
                    p = end;
                }
                default -> throw new IllegalStateException("state " + state);
            }
        }
        return p - off;
    }

    /** The connection reached end-of-stream. */
    void onEof() throws IOException {
        if (state == TO_EOF) {
            state = DONE;
        } else if (state != DONE) {
            throw new EOFException("connection closed mid-response (state " + state + ", " + bodyBytes + " body bytes)");
        }
    }

    private void body(byte[] b, int off, int n) {
        bodyBytes += n;
        listener.onBody(b, off, n);
    }

    private int feedHead(byte[] b, int p, int end) throws IOException {
        while (p < end) {
            if (headLen == head.length) {
                if (head.length >= 64 * 1024) {
                    throw new IOException("response head over 64 KiB");
                }
                head = java.util.Arrays.copyOf(head, head.length * 2);
            }
            byte c = b[p++];
            head[headLen++] = c;
            if (c == '\n' && headLen >= 4 && head[headLen - 2] == '\r' && head[headLen - 3] == '\n') {
                parseHead();
                return p;
            }
        }
        return p;
    }

    private void parseHead() throws IOException {
        if (headLen < 12 || head[0] != 'H' || head[8] != ' ') {
            throw new IOException("bad status line: " + new String(head, 0, Math.min(headLen, 40), StandardCharsets.ISO_8859_1));
        }
        status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
        long contentLength = -1;
        boolean chunked = false;
        int lineStart = indexOf('\n', 0) + 1;
        while (lineStart < headLen - 2) {
            int lineEnd = indexOf('\n', lineStart);
            int colon = indexOf(':', lineStart);
            if (colon > 0 && colon < lineEnd) {
                int vs = colon + 1;
                int ve = lineEnd;
                while (vs < ve && head[vs] == ' ') {
                    vs++;
                }
                while (ve > vs && (head[ve - 1] == '\r' || head[ve - 1] == ' ')) {
                    ve--;
                }
                if (nameIs(lineStart, colon, "content-length")) {
                    contentLength = 0;
                    for (int i = vs; i < ve; i++) {
                        contentLength = contentLength * 10 + (head[i] - '0');
                    }
                } else if (nameIs(lineStart, colon, "transfer-encoding")) {
                    chunked = containsIgnoreCase(vs, ve, "chunked");
                } else if (nameIs(lineStart, colon, "connection")) {
                    close |= containsIgnoreCase(vs, ve, "close");
                }
            }
            lineStart = lineEnd + 1;
        }
        if (chunked) {
            state = CHUNK_SIZE;
            chunkSize = 0;
        } else if (contentLength > 0) {
            state = FIXED;
            remaining = contentLength;
        } else if (contentLength == 0 || status == 204 || status == 304) {
            state = DONE;
        } else {
            state = TO_EOF;
            close = true;
        }
    }

    private int feedChunkSize(byte[] b, int p, int end) throws IOException {
        while (p < end) {
            byte c = b[p++];
            if (c == '\n') {
                if (chunkSize == 0 && lineLen == 0) {
                    // tolerate a stray empty line
                    continue;
                }
                if (chunkSize == 0) {
                    state = TRAILER;
                    lineLen = 0;
                } else {
                    state = CHUNK_DATA;
                    remaining = chunkSize;
                }
                lineLen = 0;
                return p;
            }
            if (lineLen >= 0) {
                int d = Character.digit(c, 16);
                if (d >= 0) {
                    chunkSize = chunkSize * 16 + d;
                    lineLen++;
                } else if (c == ';') {
                    lineLen = lineLen == 0 ? -2 : -1; // extensions follow; stop reading digits
                } else if (c != '\r' && c != ' ') {
                    throw new IOException("bad chunk size byte " + c);
                }
            }
        }
        return p;
    }

    private int indexOf(char c, int from) {
        for (int i = from; i < headLen; i++) {
            if (head[i] == c) {
                return i;
            }
        }
        return headLen;
    }

    private boolean nameIs(int start, int end, String lowerName) {
        if (end - start != lowerName.length()) {
            return false;
        }
        for (int i = 0; i < lowerName.length(); i++) {
            if ((head[start + i] | 0x20) != lowerName.charAt(i) && head[start + i] != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean containsIgnoreCase(int vs, int ve, String lowerWord) {
        int n = lowerWord.length();
        for (int i = vs; i + n <= ve; i++) {
            int j = 0;
            while (j < n && (head[i + j] | 0x20) == lowerWord.charAt(j)) {
                j++;
            }
            if (j == n) {
                return true;
            }
        }
        return false;
    }
}
