package dev.streamproxy.internal.async;

import dev.streamproxy.internal.error.RequestTooLargeException;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientReaderTest {

    @Test
    void atMostTheWindowIsReadAheadOfTheUpstream() {
        Body client = new Body(100_000);
        ClientReader reader = client.reader(-1, 0);

        reader.onDataAvailable();
        assertTrue(client.offset <= AsyncClient.WINDOW + 8 * 1024, "read " + client.offset + " ahead of the upstream");
        long ahead = client.offset;

        sendAll(reader, 0);
        assertTrue(client.offset > ahead, "room in the window did not read on");
    }

    @Test
    void theBodyEndsAtItsDeclaredLengthWithoutAnotherRead() {
        Body client = new Body(10);
        ClientReader reader = client.reader(10, 0);
        reader.onDataAvailable();

        assertEquals(10, reader.available(0));
        assertTrue(reader.ended(10));
        assertTrue(reader.complete());
    }

    @Test
    void aBodyInsideTheReplayWindowCanBeSentAgainFromItsFirstByte() {
        Body client = new Body(3000);
        ClientReader reader = client.reader(3000, 4096);
        reader.onDataAvailable();
        sendAll(reader, 0);

        assertTrue(reader.canReplay());
        reader.rewind();
        ByteBuffer again = reader.chunk(0);
        assertEquals(0, again.get(), "the replay does not start at the body's first byte");
        assertEquals(3000, reader.available(0));
    }

    @Test
    void aBodyThatOutgrowsTheReplayWindowCannotBeReplayed() {
        Body client = new Body(50_000);
        ClientReader reader = client.reader(50_000, 4096);
        reader.onDataAvailable();
        assertFalse(reader.canReplay());
    }

    @Test
    void aChunkedBodyOverTheLimitFailsAsTooLarge() {
        Body client = new Body(20_000);
        ClientReader reader = client.reader(-1, 0, 10_000);
        reader.onDataAvailable();
        sendAll(reader, 0);
        assertInstanceOf(RequestTooLargeException.class, reader.failure());
        assertEquals(List.of(), client.ready, "told ready after failing");
    }

    /** What a try does: everything the reader has, from {@code from}, sent at once. */
    private static void sendAll(ClientReader reader, long from) {
        long at = from;
        while (reader.available(at) > 0) {
            at += reader.chunk(at).remaining();
        }
        reader.sent(at);
    }

    /** A client body of {@code size} bytes (byte i is i mod 251), all of it available at once. */
    private static final class Body extends ServletInputStream implements ClientReader.Events {
        private final int size;
        private int offset;
        private final List<String> ready = new ArrayList<>();
        private IOException failure;

        Body(int size) {
            this.size = size;
        }

        ClientReader reader(long length, int replay) {
            return reader(length, replay, -1);
        }

        ClientReader reader(long length, int replay, long limit) {
            ClientReader r = new ClientReader(new ExchangeLock(), length, limit, replay, this);
            r.start(this);
            return r;
        }

        @Override
        public boolean isFinished() {
            return offset >= size;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
        }

        @Override
        public int read() {
            return offset < size ? offset++ % 251 : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (offset >= size) {
                return -1;
            }
            int n = Math.min(len, size - offset);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) (offset++ % 251);
            }
            return n;
        }

        @Override
        public void bodyReady() {
            if (failure != null) {
                ready.add("after failure");
            }
        }

        @Override
        public void bodyFailed(IOException e) {
            failure = e;
        }

        @Override
        public void bodySent() {
        }
    }
}
