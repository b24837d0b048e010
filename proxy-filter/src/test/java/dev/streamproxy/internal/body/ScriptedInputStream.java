package dev.streamproxy.internal.body;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An input stream that hands out scripted chunks, one per {@code read}, and reports for {@code available()}
 * whatever the script says is ready after each chunk, the way a socket stream does between packets. A step can
 * also be a failure, thrown from {@code read}.
 */
final class ScriptedInputStream extends InputStream {

    private record Step(byte[] bytes, int availableAfter, IOException failure) {
    }

    private final Deque<Step> steps = new ArrayDeque<>();
    private byte[] current = new byte[0];
    private int pos;
    private int availableNow;
    private long delivered;
    private int largestRequest;
    private boolean ended;

    /** Next chunk; after it is fully read, {@code available()} reports {@code availableAfter}. */
    ScriptedInputStream chunk(byte[] bytes, int availableAfter) {
        steps.add(new Step(bytes, availableAfter, null));
        return this;
    }

    ScriptedInputStream fail(IOException failure) {
        steps.add(new Step(null, 0, failure));
        return this;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        largestRequest = Math.max(largestRequest, len);
        if (len == 0) {
            return 0;
        }
        if (pos == current.length) {
            Step next = steps.poll();
            if (next == null) {
                ended = true;
                return -1;
            }
            if (next.failure() != null) {
                throw next.failure();
            }
            current = next.bytes();
            pos = 0;
            availableNow = next.availableAfter();
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        delivered += n;
        return n;
    }

    @Override
    public int available() {
        return pos < current.length ? current.length - pos : availableNow;
    }

    /** @return bytes handed out so far */
    long delivered() {
        return delivered;
    }

    /** @return the largest {@code len} any read asked for */
    int largestRequest() {
        return largestRequest;
    }

    /** @return whether a read has returned end-of-stream */
    boolean ended() {
        return ended;
    }
}
