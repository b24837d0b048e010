package dev.streamproxy.internal.body;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CopyBufferTest {

    @Test
    void aLargeKnownBodyGetsALargeBufferAndAStreamTheUsualOne() {
        try (CopyBuffer small = new CopyBuffer(-1); CopyBuffer big = new CopyBuffer(1 << 20)) {
            assertEquals(BufferPool.BUFFER_SIZE, small.bytes().length);
            assertEquals(BufferPool.LARGE_BUFFER_SIZE, big.bytes().length);
            small.fitTo(10 << 20);
            assertEquals(BufferPool.LARGE_BUFFER_SIZE, small.bytes().length);
            big.fitTo(-1);
            assertEquals(BufferPool.LARGE_BUFFER_SIZE, big.bytes().length, "never shrinks mid-exchange");
        }
    }

    @Test
    void anIdleStreamHoldsNoBufferWhileItWaitsForItsNextEvent() throws IOException {
        CopyBuffer buffer = new CopyBuffer(-1);
        List<Boolean> heldWhileWaiting = new ArrayList<>();
        InputStream events = new InputStream() {
            private final byte[][] chunks = {bytes("data: 1\n\n"), bytes("data: 2\n\n"), bytes("data: 3\n\n")};
            private int chunk;
            private int pos;

            @Override
            public int read() {
                if (pos == 0) {
                    // the proxy is about to wait for the upstream: does it still hold a copy buffer?
                    heldWhileWaiting.add(buffer.held());
                }
                if (chunk == chunks.length) {
                    return -1;
                }
                int b = chunks[chunk][pos++] & 0xff;
                advance();
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (chunk == chunks.length) {
                    return -1;
                }
                int n = Math.min(len, chunks[chunk].length - pos);
                System.arraycopy(chunks[chunk], pos, b, off, n);
                pos += n;
                advance();
                return n;
            }

            private void advance() {
                if (chunk < chunks.length && pos == chunks[chunk].length) {
                    chunk++;
                    pos = 0;
                }
            }

            @Override
            public int available() {
                return chunk == chunks.length || pos == 0 ? 0 : chunks[chunk].length - pos;
            }
        };
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        long n = ResponseBodyStreamer.copy(events, client, buffer, true, null);
        assertEquals("data: 1\n\ndata: 2\n\ndata: 3\n\n", client.toString(StandardCharsets.US_ASCII));
        assertEquals(27, n);
        assertFalse(heldWhileWaiting.isEmpty());
        assertTrue(heldWhileWaiting.stream().noneMatch(h -> h), "held a buffer while waiting: " + heldWhileWaiting);
        buffer.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
