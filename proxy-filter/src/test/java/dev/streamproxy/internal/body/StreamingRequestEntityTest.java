package dev.streamproxy.internal.body;

import dev.streamproxy.internal.client.UpstreamLink;
import dev.streamproxy.internal.TestRequests;
import dev.streamproxy.internal.error.BodyUnavailableException;
import dev.streamproxy.internal.error.ClientGoneException;
import jakarta.servlet.http.HttpServletRequest;
import dev.streamproxy.internal.error.RequestTooLargeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

class StreamingRequestEntityTest {

    private static final long UNLIMITED = -1;

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static StreamingRequestEntity entity(InputStream in, long length, long limit) {
        return new StreamingRequestEntity(null, in, length, limit, new byte[BufferPool.BUFFER_SIZE], 0, new UpstreamLink());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 16_383, 16_384, 16_385, 1_000_003})
    void copiesExactlyTheDeclaredLength(int size) throws IOException {
        byte[] body = random(size);
        RecordingOutputStream out = new RecordingOutputStream();
        entity(new ByteArrayInputStream(body), size, UNLIMITED).writeTo(out);
        assertArrayEquals(body, out.bytes());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 16_384, 1_000_003})
    void copiesAChunkedBodyExactlyToItsEnd(int size) throws IOException {
        byte[] body = random(size);
        RecordingOutputStream out = new RecordingOutputStream();
        entity(new ByteArrayInputStream(body), -1, UNLIMITED).writeTo(out);
        assertArrayEquals(body, out.bytes());
    }

    @Test
    void flushesWheneverTheClientHasNothingMoreReady() throws IOException {
        ScriptedInputStream in = new ScriptedInputStream()
                .chunk(ascii("aaa"), 5)
                .chunk(ascii("bbbbb"), 0)
                .chunk(ascii("cc"), 3)
                .chunk(ascii("ddd"), 0)
                .chunk(ascii("e"), 0);
        RecordingOutputStream out = new RecordingOutputStream();
        entity(in, 14, UNLIMITED).writeTo(out);
        assertEquals("aaabbbbbccddde", new String(out.bytes(), StandardCharsets.US_ASCII));
        assertEquals(List.of(8, 13, 14), out.flushPoints());
    }

    @Test
    void doesNotFlushWhileMoreOfAChunkedBodyIsReady() throws IOException {
        ScriptedInputStream in = new ScriptedInputStream()
                .chunk(ascii("ab"), 100)
                .chunk(ascii("cd"), 100)
                .chunk(ascii("ef"), 0);
        RecordingOutputStream out = new RecordingOutputStream();
        entity(in, -1, UNLIMITED).writeTo(out);
        assertEquals(List.of(6), out.flushPoints());
    }

    @Test
    void failsAsClientGoneWhenFewerBytesThanContentLengthArrive() {
        ScriptedInputStream in = new ScriptedInputStream().chunk(ascii("only-this"), 0);
        RecordingOutputStream out = new RecordingOutputStream();
        ClientGoneException e = assertThrows(ClientGoneException.class, () -> entity(in, 100, UNLIMITED).writeTo(out));
        assertTrue(e.getMessage().contains("9 of 100"), e.getMessage());
    }

    @Test
    void failsAsClientGoneWhenTheClientStreamBreaks() {
        EOFException broken = new EOFException("Early EOF");
        ScriptedInputStream in = new ScriptedInputStream().chunk(ascii("abc"), 0).fail(broken);
        RecordingOutputStream out = new RecordingOutputStream();
        ClientGoneException e = assertThrows(ClientGoneException.class, () -> entity(in, 10, UNLIMITED).writeTo(out));
        assertSame(broken, e.getCause());
        assertEquals("abc", new String(out.bytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void chunkedBodyThatBreaksIsClientGoneToo() {
        ScriptedInputStream in = new ScriptedInputStream().chunk(ascii("abc"), 0).fail(new IOException("reset"));
        assertThrows(ClientGoneException.class, () -> entity(in, -1, UNLIMITED).writeTo(new RecordingOutputStream()));
    }

    @Test
    void chunkedBodyPastTheLimitIsRefusedBeforeTheExcessIsSent() {
        ScriptedInputStream in = new ScriptedInputStream()
                .chunk(ascii("12345"), 0)
                .chunk(ascii("67890"), 0)
                .chunk(ascii("X"), 0);
        RecordingOutputStream out = new RecordingOutputStream();
        RequestTooLargeException e = assertThrows(RequestTooLargeException.class,
                () -> entity(in, -1, 10).writeTo(out));
        assertTrue(e.getMessage().contains("10"), e.getMessage());
        assertEquals("1234567890", new String(out.bytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void chunkedBodyOfExactlyTheLimitPasses() throws IOException {
        RecordingOutputStream out = new RecordingOutputStream();
        entity(new ByteArrayInputStream(random(1024)), -1, 1024).writeTo(out);
        assertEquals(1024, out.bytes().length);
    }

    @Test
    void prefilledBytesAreSentFirst() throws IOException {
        byte[] buffer = new byte[BufferPool.BUFFER_SIZE];
        System.arraycopy(ascii("a=1&"), 0, buffer, 0, 4);
        RecordingOutputStream out = new RecordingOutputStream();
        new StreamingRequestEntity(null, new ByteArrayInputStream(ascii("b=2")), 7, UNLIMITED, buffer, 4, new UpstreamLink()).writeTo(out);
        assertEquals("a=1&b=2", new String(out.bytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void prefilledBytesCountAgainstTheLimitOfAChunkedBody() {
        byte[] buffer = new byte[BufferPool.BUFFER_SIZE];
        Arrays.fill(buffer, 0, 100, (byte) 'x');
        RecordingOutputStream out = new RecordingOutputStream();
        StreamingRequestEntity e = new StreamingRequestEntity(null, InputStream.nullInputStream(), -1, 10, buffer, 100, new UpstreamLink());
        assertThrows(RequestTooLargeException.class, () -> e.writeTo(out),
                "a 100-byte chunked body was forwarded under maxRequestBodySize=10");
    }

    @Test
    void neverReadsPastTheContentLength() throws IOException {
        byte[] sent = random(50_000);
        ByteArrayInputStream in = new ByteArrayInputStream(sent);
        RecordingOutputStream out = new RecordingOutputStream();
        entity(in, 20_000, UNLIMITED).writeTo(out);
        assertEquals(30_000, in.available(), "bytes after the declared length must stay unread");
        assertArrayEquals(Arrays.copyOf(sent, 20_000), out.bytes());
    }

    @Test
    void asksForNoMoreThanTheRemainingLength() throws IOException {
        ScriptedInputStream in = new ScriptedInputStream().chunk(ascii("abcdefghij"), 0);
        RecordingOutputStream out = new RecordingOutputStream();
        entity(in, 4, UNLIMITED).writeTo(out);
        assertEquals(4, in.largestRequest());
        assertEquals(4, in.delivered());
        assertEquals("abcd", new String(out.bytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void emptyDeclaredBodyReadsNothing() throws IOException {
        ScriptedInputStream in = new ScriptedInputStream().chunk(ascii("not-mine"), 0);
        RecordingOutputStream out = new RecordingOutputStream();
        entity(in, 0, UNLIMITED).writeTo(out);
        assertEquals(0, in.delivered());
        assertEquals(0, out.bytes().length);
    }

    @Test
    void isChunkedExactlyWhenTheLengthIsUnknown() {
        StreamingRequestEntity chunked = entity(InputStream.nullInputStream(), -1, UNLIMITED);
        StreamingRequestEntity sized = entity(InputStream.nullInputStream(), 42, UNLIMITED);
        StreamingRequestEntity empty = entity(InputStream.nullInputStream(), 0, UNLIMITED);
        assertTrue(chunked.isChunked());
        assertEquals(-1, chunked.getContentLength());
        assertFalse(sized.isChunked());
        assertEquals(42, sized.getContentLength());
        assertFalse(empty.isChunked());
        assertEquals(0, empty.getContentLength());
    }

    @Test
    void isAOneShotStreamWithoutTypeEncodingOrTrailers() {
        StreamingRequestEntity e = entity(InputStream.nullInputStream(), 5, UNLIMITED);
        assertFalse(e.isRepeatable());
        assertTrue(e.isStreaming());
        assertThrows(UnsupportedOperationException.class, e::getContent);
        assertNull(e.getContentType());
        assertNull(e.getContentEncoding());
        assertTrue(e.getTrailerNames().isEmpty());
        assertNull(e.getTrailers());
    }

    @Test
    void opensTheClientStreamOnlyWhenTheUpstreamAsksForTheBody() throws IOException {
        HttpServletRequest client = TestRequests.request().method("POST").contentLength(5)
                .body(ascii("hello")).build();
        StreamingRequestEntity e = new StreamingRequestEntity(client, null, 5, UNLIMITED,
                new byte[BufferPool.BUFFER_SIZE], 0, new UpstreamLink());
        verify(client, never()).getInputStream();
        RecordingOutputStream out = new RecordingOutputStream();
        e.writeTo(out);
        verify(client).getInputStream();
        assertEquals("hello", new String(out.bytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void clientStreamRefusedAfterGetReaderIsBodyUnavailable() {
        IllegalStateException refused = new IllegalStateException("getReader() has already been called");
        HttpServletRequest client = TestRequests.request().method("POST").contentLength(5)
                .inputStreamFails(refused).build();
        StreamingRequestEntity e = new StreamingRequestEntity(client, null, 5, UNLIMITED,
                new byte[BufferPool.BUFFER_SIZE], 0, new UpstreamLink());
        BodyUnavailableException thrown = assertThrows(BodyUnavailableException.class,
                () -> e.writeTo(new RecordingOutputStream()));
        assertSame(refused, thrown.getCause());
    }

    @Test
    void closingTheEntityLeavesTheContainersStreamOpen() throws IOException {
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream(new byte[3]) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        entity(in, 3, UNLIMITED).close();
        assertFalse(closed[0]);
    }

    @Test
    void aLaterTryReplaysTheWindowThenGoesOnReadingTheClient() throws IOException {
        byte[] body = random(50_000);
        InputStream client = new ByteArrayInputStream(body);
        StreamingRequestEntity e = new StreamingRequestEntity(null, client, body.length, UNLIMITED,
                new byte[BufferPool.BUFFER_SIZE], 0, new UpstreamLink(), 64 * 1024);
        // the first target fails after 20 000 bytes: the write throws, the window holds what was read
        OutputStream failing = new OutputStream() {
            private int written;

            @Override
            public void write(int b) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (written + len > 20_000) {
                    throw new IOException("connection reset");
                }
                written += len;
            }
        };
        assertThrows(IOException.class, () -> e.writeTo(failing));
        assertTrue(e.canReplay());
        RecordingOutputStream second = new RecordingOutputStream();
        e.writeTo(second);
        assertArrayEquals(body, second.bytes(), "the second target got the whole body, in order");
        assertTrue(e.isComplete());
        e.release();
    }

    @Test
    void pastTheWindowTheBodyStillStreamsButCanNoLongerBeReplayed() throws IOException {
        byte[] body = random(100_000);
        StreamingRequestEntity e = new StreamingRequestEntity(null, new ByteArrayInputStream(body), body.length,
                UNLIMITED, new byte[BufferPool.BUFFER_SIZE], 0, new UpstreamLink(), 64 * 1024);
        assertTrue(e.canReplay(), "nothing read yet");
        RecordingOutputStream out = new RecordingOutputStream();
        e.writeTo(out);
        assertArrayEquals(body, out.bytes());
        assertFalse(e.canReplay());
    }

    @Test
    void withoutAWindowABodyOnceStartedCannotBeReplayed() throws IOException {
        StreamingRequestEntity e = entity(new ByteArrayInputStream(random(10)), 10, UNLIMITED);
        assertTrue(e.canReplay());
        e.writeTo(new RecordingOutputStream());
        assertFalse(e.canReplay());
    }

    @Test
    void aClientFailureIsNeverReplayable() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("client reset");
            }
        };
        StreamingRequestEntity e = new StreamingRequestEntity(null, broken, 10, UNLIMITED,
                new byte[BufferPool.BUFFER_SIZE], 0, new UpstreamLink(), 64 * 1024);
        assertThrows(ClientGoneException.class, () -> e.writeTo(new RecordingOutputStream()));
        assertTrue(e.clientFailed());
        assertFalse(e.canReplay());
    }
}
