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

    /**
     * What a fleet does: {@code streams} streams opened at {@code openRate} per second, each asking for {@code events}
     * events {@code intervalMs} apart, the whole within {@code budget}. With {@code stopWhenQueued}, the fleet gives up
     * once some stream still has no event {@link #MAX_FIRST_EVENT_WAIT_MS} + 1 s after the last one opened (the race
     * and the ramp: such a level has failed); without it, it watches every stream until it ends or the budget is spent
     * (the streams mode, which counts the streams that were on time).
     */
    public record Plan(int streams, int events, int intervalMs, int openRate, Duration budget, boolean stopWhenQueued) {
    }

    /**
     * One stream's timing: from its connect to its first event ({@code -1} when none came), the longest time between
     * two of its events, the events it got, and whether it ended with status 200 and every event.
     */
    public record StreamTiming(long firstEventNanos, long maxGapNanos, int events, boolean completed) {
    }

    /** A fleet's result and each stream's timing, in the order they opened. */
    public record Outcome(Result result, List<StreamTiming> streams) {
    }

    private SseFleet() {
    }

    /** A fleet that gives up when streams queue (see {@link Plan}). */
    public static Result run(InetSocketAddress address, String pathPrefix, int streams, int events, int intervalMs,
                      int openRate, Duration budget) throws IOException {
        return run(address, pathPrefix, new Plan(streams, events, intervalMs, openRate, budget, true)).result();
    }

    public static Outcome run(InetSocketAddress address, String pathPrefix, Plan plan) throws IOException {
        int streams = plan.streams();
        int events = plan.events();
        int intervalMs = plan.intervalMs();
        int openRate = plan.openRate();
        Duration budget = plan.budget();
        byte[] request = ("GET " + pathPrefix + "/sse?events=" + events + "&intervalMs=" + intervalMs + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + address.getPort() + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        Histogram latency = new Histogram(60_000_000L, 3);
        List<SseStream> all = new ArrayList<>(streams);
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
                    SseStream s = new SseStream(latency, withFirstEvent);
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
                if (plan.stopWhenQueued() && openedAllAt != 0 && withFirstEvent[0] + failed < streams
                        && System.nanoTime() - openedAllAt > (MAX_FIRST_EVENT_WAIT_MS + 1000) * 1_000_000L) {
                    firstError = (streams - withFirstEvent[0] - failed) + " streams still waiting for their first event "
                            + (MAX_FIRST_EVENT_WAIT_MS + 1000) + " ms after the last one opened (queued)";
                    break;
                }
                selector.select(10);
                for (SelectionKey key : selector.selectedKeys()) {
                    SseStream s = (SseStream) key.attachment();
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
                                    s.completed = true;
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
            for (SseStream s : all) {
                s.closeQuietly();
            }
        }
        long end = System.nanoTime();
        long received = 0;
        double maxWait = 0;
        List<StreamTiming> timings = new ArrayList<>(all.size());
        for (SseStream s : all) {
            timings.add(s.timing());
            received += s.events;
            maxWait = Math.max(maxWait, s.firstEventAt == 0 ? (end - s.openedAt) / 1e6 : (s.firstEventAt - s.openedAt) / 1e6);
        }
        if (finished < streams && firstError == null) {
            firstError = (streams - finished) + " streams unfinished at the time limit";
        }
        double p99 = latency.getValueAtPercentile(99) / 1000.0;
        double max = latency.getMaxValue() / 1000.0;
        boolean pass = completed == streams && maxWait <= MAX_FIRST_EVENT_WAIT_MS && max <= MAX_EVENT_LATENCY_MS;
        return new Outcome(new Result(streams, completed, streams - completed, (long) streams * events, received,
                ((openedAllAt == 0 ? end : openedAllAt) - start) / 1e9, (end - start) / 1e9,
                latency.getValueAtPercentile(50) / 1000.0, p99, max, maxWait, pass, firstError), timings);
    }
}
