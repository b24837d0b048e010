package dev.streamproxy.benchmark.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import org.HdrHistogram.Histogram;

/**
 * One stream of an {@link SseFleet}: its channel, the parser's body listener splitting lines and reading
 * {@code data: k t}, and when its events arrived (the first, the last, the longest gap between two).
 */
final class SseStream implements ResponseParser.BodyListener {

    final ResponseParser parser = new ResponseParser(256);
    private final Histogram latency;
    private final int[] withFirstEvent;
    private final byte[] line = new byte[64];
    SocketChannel channel;
    long openedAt;
    long firstEventAt;
    long lastEventAt;
    long maxGapNanos;
    int events;
    /** Ended with status 200 and every event it asked for. */
    boolean completed;
    private int lineLen;
    String error;

    /** {@code withFirstEvent[0]} counts the fleet's streams that have their first event, shared by all of them. */
    SseStream(Histogram latency, int[] withFirstEvent) {
        this.latency = latency;
        this.withFirstEvent = withFirstEvent;
        parser.reset(this);
    }

    void send(byte[] request) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(request);
        // a request of ~150 bytes into a fresh socket's send buffer: the loop ends at once in practice
        for (int spins = 0; b.hasRemaining(); spins++) {
            if (channel.write(b) == 0) {
                if (spins > 1_000_000) {
                    throw new IOException("the request could not be written: send buffer full");
                }
                Thread.onSpinWait();
            }
        }
    }

    void fail(String why) {
        error = why;
    }

    void closeQuietly() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing
        }
    }

    SseFleet.StreamTiming timing() {
        return new SseFleet.StreamTiming(firstEventAt == 0 ? -1 : firstEventAt - openedAt, maxGapNanos, events, completed);
    }

    @Override
    public void onBody(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == '\n') {
                onLine();
                lineLen = 0;
            } else if (lineLen < line.length) {
                line[lineLen++] = c;
            }
        }
    }

    private void onLine() {
        if (lineLen < 7 || line[0] != 'd' || line[4] != ':') {
            return;
        }
        long now = System.nanoTime();
        int sp = lineLen - 1;
        while (sp > 6 && line[sp] != ' ') {
            sp--;
        }
        long sentAt = 0;
        for (int i = sp + 1; i < lineLen; i++) {
            sentAt = sentAt * 10 + (line[i] - '0');
        }
        events++;
        if (firstEventAt == 0) {
            firstEventAt = now;
            withFirstEvent[0]++;
        } else {
            maxGapNanos = Math.max(maxGapNanos, now - lastEventAt);
        }
        lastEventAt = now;
        latency.recordValue(Math.max(0, Math.min((now - sentAt) / 1000, 60_000_000L)));
    }
}
