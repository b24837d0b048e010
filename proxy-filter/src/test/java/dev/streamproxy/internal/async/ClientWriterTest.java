package dev.streamproxy.internal.async;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientWriterTest {

    @Test
    void nothingIsWrittenBeforeTheContainersFirstOnWritePossible() {
        Client client = new Client();
        ClientWriter writer = client.writer();

        writer.offer(ascii("data: one\n\n"));
        assertEquals("", client.text(), "written during the request's own dispatch");

        writer.onWritePossible();
        assertEquals("data: one\n\n", client.text());
        assertEquals(1, client.flushes, "an event that empties the queue is flushed at once");
        assertEquals(List.of(11), client.taken);
    }

    @Test
    void aClientThatIsNotReadyKeepsTheRestQueuedUntilTheContainerCallsBack() {
        Client client = new Client();
        ClientWriter writer = client.writer();
        writer.onWritePossible();

        client.ready = false;
        writer.offer(ascii("one"));
        writer.offer(ascii("two"));
        assertEquals("", client.text());
        assertFalse(writer.idle());

        client.ready = true;
        writer.onWritePossible();
        assertEquals("onetwo", client.text());
        assertTrue(writer.idle());
        assertEquals(List.of(3, 3), client.taken, "the upstream is granted only what the client took");
    }

    @Test
    void theEndIsToldOnceAfterTheLastByteWasWritten() {
        Client client = new Client();
        ClientWriter writer = client.writer();
        writer.onWritePossible();
        client.ready = false;
        writer.offer(ascii("last"));
        writer.end();
        assertEquals(0, client.ends);

        client.ready = true;
        writer.onWritePossible();
        writer.onWritePossible();
        assertEquals("last", client.text());
        assertEquals(1, client.ends);
    }

    @Test
    void aReplacedAnswerDropsWhatWasQueued() {
        Client client = new Client();
        ClientWriter writer = client.writer();
        client.ready = false;
        writer.offer(ascii("partial"));
        writer.replace(ascii("502 Bad Gateway\n").array());
        client.ready = true;
        writer.onWritePossible();
        assertEquals("502 Bad Gateway\n", client.text());
        assertEquals(1, client.ends);
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** A container's stream whose readiness the test sets, and the exchange's side of the writer. */
    private static final class Client extends ServletOutputStream implements ClientWriter.Events {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final List<Integer> taken = new ArrayList<>();
        private boolean ready = true;
        private int flushes;
        private int ends;

        ClientWriter writer() {
            return new ClientWriter(new ExchangeLock(), this, this);
        }

        String text() {
            return bytes.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
        }

        @Override
        public void write(int b) {
            bytes.write(b);
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public void taken(int n) {
            taken.add(n);
        }

        @Override
        public void written() {
            ends++;
        }

        @Override
        public void clientFailed(Throwable cause) {
            throw new AssertionError("client failed", cause);
        }
    }
}
