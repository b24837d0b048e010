package dev.streamproxy.internal.body;

import dev.streamproxy.internal.error.ClientGoneException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponseBodyStreamerTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 16_384, 16_385, 3_000_017})
    void copiesTheUpstreamBodyExactly(int size) throws IOException {
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        RecordingOutputStream client = new RecordingOutputStream();
        long copied = ResponseBodyStreamer.copy(new ByteArrayInputStream(body), client,
                new byte[BufferPool.BUFFER_SIZE]);
        assertEquals(size, copied);
        assertArrayEquals(body, client.bytes());
    }

    @Test
    void flushesEachEventAsSoonAsTheUpstreamHasNothingMoreReady() throws IOException {
        ScriptedInputStream upstream = new ScriptedInputStream()
                .chunk(ascii("data: 1\n\n"), 0)
                .chunk(ascii("data: 2\n"), 2)
                .chunk(ascii("\n"), 0)
                .chunk(ascii("data: 3\n\n"), 0);
        RecordingOutputStream client = new RecordingOutputStream();
        ResponseBodyStreamer.copy(upstream, client, new byte[BufferPool.BUFFER_SIZE]);
        assertEquals("data: 1\n\ndata: 2\n\ndata: 3\n\n", new String(client.bytes(), StandardCharsets.US_ASCII));
        assertEquals(List.of(9, 18, 27), client.flushPoints());
    }

    @Test
    void bulkBodyThatIsAlwaysReadyIsFlushedOnlyAtItsEnd() throws IOException {
        ScriptedInputStream upstream = new ScriptedInputStream()
                .chunk(new byte[100], 100)
                .chunk(new byte[100], 100)
                .chunk(new byte[100], 0);
        RecordingOutputStream client = new RecordingOutputStream();
        ResponseBodyStreamer.copy(upstream, client, new byte[64]);
        assertEquals(List.of(300), client.flushPoints());
    }

    @Test
    void bytesThatHaveAlreadyArrivedJoinOneWrite() throws IOException {
        ScriptedInputStream upstream = new ScriptedInputStream()
                .chunk(new byte[100], 100)
                .chunk(new byte[100], 100)
                .chunk(new byte[100], 0)
                .chunk(new byte[50], 0);
        RecordingOutputStream client = new RecordingOutputStream();
        try (CopyBuffer buffer = new CopyBuffer(350)) {
            assertEquals(350, ResponseBodyStreamer.copy(upstream, client, buffer, false, null));
        }
        // the first three reads were ready one after the other: one write, then a flush while the rest is awaited
        assertEquals(List.of(300, 50), client.writeSizes());
        assertEquals(List.of(300, 350), client.flushPoints());
    }

    @Test
    void aWriteNeverExceedsTheBuffer() throws IOException {
        ScriptedInputStream upstream = new ScriptedInputStream();
        for (int i = 0; i < 10; i++) {
            upstream.chunk(new byte[BufferPool.BUFFER_SIZE / 4], BufferPool.BUFFER_SIZE);
        }
        RecordingOutputStream client = new RecordingOutputStream();
        try (CopyBuffer buffer = new CopyBuffer(-1)) {
            ResponseBodyStreamer.copy(upstream, client, buffer, false, null);
        }
        assertEquals(List.of(BufferPool.BUFFER_SIZE, BufferPool.BUFFER_SIZE, BufferPool.BUFFER_SIZE / 2),
                client.writeSizes());
    }

    @Test
    void failedClientWriteIsClientGone() {
        SocketException broken = new SocketException("Broken pipe");
        RecordingOutputStream client = new RecordingOutputStream().failWrites(broken);
        ClientGoneException e = assertThrows(ClientGoneException.class, () -> ResponseBodyStreamer.copy(
                new ByteArrayInputStream(ascii("hello")), client, new byte[16]));
        assertSame(broken, e.getCause());
    }

    @Test
    void failedClientFlushIsClientGone() {
        IOException broken = new IOException("Connection reset by peer");
        RecordingOutputStream client = new RecordingOutputStream().failFlushes(broken);
        ClientGoneException e = assertThrows(ClientGoneException.class, () -> ResponseBodyStreamer.copy(
                new ByteArrayInputStream(ascii("hello")), client, new byte[16]));
        assertSame(broken, e.getCause());
    }

    @Test
    void upstreamReadFailureStaysTheUpstreamsOwnException() {
        SocketTimeoutException timeout = new SocketTimeoutException("Read timed out");
        ScriptedInputStream upstream = new ScriptedInputStream().chunk(ascii("partial"), 0).fail(timeout);
        RecordingOutputStream client = new RecordingOutputStream();
        IOException e = assertThrows(IOException.class,
                () -> ResponseBodyStreamer.copy(upstream, client, new byte[16]));
        assertSame(timeout, e);
        assertFalse(e instanceof ClientGoneException);
        assertEquals("partial", new String(client.bytes(), StandardCharsets.US_ASCII));
        assertEquals(List.of(7), client.flushPoints(), "what arrived before the failure was already flushed");
    }

    @Test
    void upstreamResetIsNotMistakenForTheClient() {
        ScriptedInputStream upstream = new ScriptedInputStream().fail(new SocketException("Connection reset"));
        IOException e = assertThrows(IOException.class,
                () -> ResponseBodyStreamer.copy(upstream, new RecordingOutputStream(), new byte[16]));
        assertInstanceOf(SocketException.class, e);
    }

    @Test
    void readsUntilEndOfStream() throws IOException {
        ScriptedInputStream upstream = new ScriptedInputStream().chunk(ascii("abc"), 0);
        ResponseBodyStreamer.copy(upstream, new RecordingOutputStream(), new byte[16]);
        assertTrue(upstream.ended());
    }
}
