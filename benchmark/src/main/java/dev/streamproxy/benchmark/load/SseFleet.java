package dev.streamproxy.benchmark.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * Many concurrent long-lived SSE streams from one selector thread, opened at a steady rate (a burst of thousands
 * of new connections would measure the accept queue, not the proxy). Each stream asks the upstream (through the
 * contender) for {@code events} events {@code intervalMs} apart, enough for all streams to be open at once; every event carries its send time, so the fleet
 * measures each event's delivery latency. A level passes when every stream got every event, no stream waited
 * more than {@link #MAX_FIRST_EVENT_WAIT_MS} for its first one (a stream queued behind a busy thread pool would),
 * and no event arrived more than {@link #MAX_EVENT_LATENCY_MS} late. Bounded by the given time budget.
 */
public final class SseFleet {

    public static final long MAX_FIRST_EVENT_WAIT_MS = 3000;
    public static final long MAX_EVENT_LATENCY_MS = 2000;
    private static final int OPEN_BATCH = 200;
    private static final int MAX_PENDING_CONNECTS = 400;

    public record Result(int streams, int completed, int failed, long eventsExpected, long eventsReceived,
                  double openSeconds, double seconds, double eventP50Ms, double eventP99Ms, double eventMaxMs,
                  double firstEventWaitMaxMs, boolean pass, String firstError) {
    }

    private SseFleet() {
    }

    public static Result run(InetSocketAddress address, String pathPrefix, int streams, int events, int intervalMs,
                      int openRate, Duration budget) throws IOException {
        byte[] request = ("GET " + pathPrefix + "/sse?events=" + events + "&intervalMs=" + intervalMs + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + address.getPort() + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        Histogram latency = new Histogram(60_000_000L, 3);
        List<Stream> all = new ArrayList<>(streams);
        ByteBuffer readBuf = ByteBuffer.allocate(64 * 1024);
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        long openedAllAt = 0;
        int opened = 0;
        int pending = 0;
        int finished = 0;
        int completed = 0;
        int failed = 0;
        int[] withFirstEvent = {0};
        String firstError = null;
        try (Selector selector = Selector.open()) {
            while (finished < streams && System.nanoTime() < deadline) {
                long allowed = Math.min(streams, 1 + (System.nanoTime() - start) * openRate / 1_000_000_000L);
                for (int i = 0; i < OPEN_BATCH && opened < allowed && pending < MAX_PENDING_CONNECTS; i++) {
                    Stream s = new Stream(latency, withFirstEvent);
                    all.add(s);
                    opened++;
                    try {
                        SocketChannel ch = SocketChannel.open();
                        ch.configureBlocking(false);
                        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        s.channel = ch;
                        s.openedAt = System.nanoTime();
                        if (ch.connect(address)) {
                            s.send(request);
                            ch.register(selector, SelectionKey.OP_READ, s);
                        } else {
                            ch.register(selector, SelectionKey.OP_CONNECT, s);
                            pending++;
                        }
                    } catch (IOException e) {
                        s.fail(e.toString());
                        finished++;
                        failed++;
                        firstError = firstError == null ? s.error : firstError;
                    }
                }
                if (opened == streams && openedAllAt == 0 && pending == 0) {
                    openedAllAt = System.nanoTime();
                }
                // a stream still without its first event well after the last one opened is queued: the level fails,
                // so stop here rather than wait for the queue to drain
                if (openedAllAt != 0 && withFirstEvent[0] + failed < streams
                        && System.nanoTime() - openedAllAt > (MAX_FIRST_EVENT_WAIT_MS + 1000) * 1_000_000L) {
                    firstError = (streams - withFirstEvent[0] - failed) + " streams still waiting for their first event "
                            + (MAX_FIRST_EVENT_WAIT_MS + 1000) + " ms after the last one opened (queued)";
                    break;
                }
                selector.select(10);
                for (SelectionKey key : selector.selectedKeys()) {
                    Stream s = (Stream) key.attachment();
                    try {
                        if (key.isConnectable()) {
                            pending--;
                            s.channel.finishConnect();
                            s.send(request);
                            key.interestOps(SelectionKey.OP_READ);
                        } else if (key.isReadable()) {
                            readBuf.clear();
                            int n = s.channel.read(readBuf);
                            if (n < 0) {
                                s.parser.onEof();
                            } else {
                                s.parser.feed(readBuf.array(), 0, n);
                            }
                            if (n < 0 || s.parser.done()) {
                                key.cancel();
                                s.channel.close();
                                finished++;
                                if (s.parser.status() == 200 && s.events == events) {
                                    completed++;
                                } else {
                                    s.fail("status " + s.parser.status() + ", " + s.events + " of " + events + " events");
                                    failed++;
                                    firstError = firstError == null ? s.error : firstError;
                                }
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        key.cancel();
                        s.fail(e.toString());
                        s.closeQuietly();
                        finished++;
                        failed++;
                        firstError = firstError == null ? s.error : firstError;
                    }
                }
                selector.selectedKeys().clear();
            }
        } finally {
            for (Stream s : all) {
                s.closeQuietly();
            }
        }
        long end = System.nanoTime();
        long received = 0;
        double maxWait = 0;
        for (Stream s : all) {
            received += s.events;
            maxWait = Math.max(maxWait, s.firstEventAt == 0 ? (end - s.openedAt) / 1e6 : (s.firstEventAt - s.openedAt) / 1e6);
        }
        if (finished < streams && firstError == null) {
            firstError = (streams - finished) + " streams unfinished at the time limit";
        }
        double p99 = latency.getValueAtPercentile(99) / 1000.0;
        double max = latency.getMaxValue() / 1000.0;
        boolean pass = completed == streams && maxWait <= MAX_FIRST_EVENT_WAIT_MS && max <= MAX_EVENT_LATENCY_MS;
        return new Result(streams, completed, streams - completed, (long) streams * events, received,
                ((openedAllAt == 0 ? end : openedAllAt) - start) / 1e9, (end - start) / 1e9,
                latency.getValueAtPercentile(50) / 1000.0, p99, max, maxWait, pass, firstError);
    }

    /** One stream: the parser's body listener, splitting lines and reading {@code data: k t}. */
    private static final class Stream implements ResponseParser.BodyListener {
        final ResponseParser parser = new ResponseParser(256);
        final Histogram latency;
        final byte[] line = new byte[64];
        SocketChannel channel;
        long openedAt;
        long firstEventAt;
        int events;
        int lineLen;
        String error;

        final int[] withFirstEvent;

        Stream(Histogram latency, int[] withFirstEvent) {
            this.latency = latency;
            this.withFirstEvent = withFirstEvent;
            parser.reset(this);
        }

        void send(byte[] request) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(request);
            while (b.hasRemaining()) {
                if (channel.write(b) == 0) {
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
            }
            latency.recordValue(Math.max(0, Math.min((now - sentAt) / 1000, 60_000_000L)));
        }
    }
}
