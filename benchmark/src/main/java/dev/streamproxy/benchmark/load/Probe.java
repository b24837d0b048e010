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
import java.util.Iterator;
import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * A page asked for at a steady pace while something else loads the same container: every {@code periodMs} a new
 * connection and one {@code GET} (as a new visitor would), read to the end of the answer. A probe without its whole
 * answer {@code timeoutMs} after it started is <em>unanswered</em> and closed; a refused or reset connection, or a
 * status other than 200, is an <em>error</em>. The latency of a probe runs from its connect to the last byte of its
 * answer; an unanswered one is counted at {@code timeoutMs} (a lower bound), so the percentiles never hide it.
 * One thread and one selector; at most {@code timeoutMs / periodMs + 1} probes in flight. It probes until
 * {@link #stop()} (which lets the probes in flight finish or time out) or for {@link #MAX_RUN} at most.
 */
public final class Probe {

    /** A probe that is never stopped ends by itself after this long. */
    static final Duration MAX_RUN = Duration.ofMinutes(30);

    /** What the probes saw; latencies in ms, over answered and unanswered probes (not errors). */
    public record Result(int sent, int answered, int unanswered, int errors, double p50Ms, double p99Ms, double maxMs,
                         String firstError) {
    }

    private final InetSocketAddress address;
    private final byte[] request;
    private final long periodNanos;
    private final long timeoutNanos;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Result result;

    private Probe(InetSocketAddress address, String path, long periodMs, long timeoutMs) {
        this.address = address;
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + address.getPort()
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        this.periodNanos = periodMs * 1_000_000;
        this.timeoutNanos = timeoutMs * 1_000_000;
        this.thread = new Thread(this::loop, "probe-" + address.getPort());
        thread.setDaemon(true);
    }

    /** Starts probing {@code path} on {@code address} now. */
    public static Probe start(InetSocketAddress address, String path, long periodMs, long timeoutMs) {
        Probe p = new Probe(address, path, periodMs, timeoutMs);
        p.thread.start();
        return p;
    }

    /** Sends no further probe, waits for those in flight (the timeout at most), and returns what all of them saw. */
    public Result stop() throws InterruptedException {
        stopping = true;
        thread.join(timeoutNanos / 1_000_000 + 5_000);
        Result r = result;
        return r != null ? r : new Result(0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, "the probe thread did not end");
    }

    /** One probe in flight. */
    private static final class InFlight {
        final long startedAt = System.nanoTime();
        final ResponseParser parser = new ResponseParser(256);
        SocketChannel channel;

        InFlight() {
            parser.reset(ResponseParser.BodyListener.SKIP);
        }
    }

    private void loop() {
        Histogram latencyMicros = new Histogram(3_600_000_000L, 3);
        List<InFlight> inFlight = new ArrayList<>();
        int maxInFlight = (int) (timeoutNanos / Math.max(1, periodNanos)) + 1;
        ByteBuffer buf = ByteBuffer.allocate(4096);
        long hardStop = System.nanoTime() + MAX_RUN.toNanos();
        long next = System.nanoTime();
        int sent = 0;
        int answered = 0;
        int unanswered = 0;
        int errors = 0;
        String firstError = null;
        try (Selector selector = Selector.open()) {
            while (System.nanoTime() < hardStop && !(stopping && inFlight.isEmpty())) {
                long now = System.nanoTime();
                if (!stopping && now >= next && inFlight.size() < maxInFlight) {
                    // a late tick sends one probe, not a burst to catch up
                    next = Math.max(next + periodNanos, now);
                    sent++;
                    InFlight p = new InFlight();
                    try {
                        p.channel = SocketChannel.open();
                        p.channel.configureBlocking(false);
                        p.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        inFlight.add(p);
                        if (p.channel.connect(address)) {
                            sendRequest(p);
                            p.channel.register(selector, SelectionKey.OP_READ, p);
                        } else {
                            p.channel.register(selector, SelectionKey.OP_CONNECT, p);
                        }
                    } catch (IOException e) {
                        errors++;
                        firstError = firstError == null ? "probe: " + e : firstError;
                        close(p);
                        inFlight.remove(p);
                    }
                }
                for (Iterator<InFlight> it = inFlight.iterator(); it.hasNext(); ) {
                    InFlight p = it.next();
                    if (now - p.startedAt > timeoutNanos) {
                        unanswered++;
                        latencyMicros.recordValue(timeoutNanos / 1000);
                        close(p);
                        it.remove();
                    }
                }
                selector.select(Math.max(1, Math.min(50, (next - System.nanoTime()) / 1_000_000)));
                for (SelectionKey key : selector.selectedKeys()) {
                    InFlight p = (InFlight) key.attachment();
                    String error = null;
                    boolean done = false;
                    try {
                        if (key.isConnectable()) {
                            if (p.channel.finishConnect()) {
                                sendRequest(p);
                                key.interestOps(SelectionKey.OP_READ);
                            }
                        } else if (key.isReadable()) {
                            buf.clear();
                            int n = p.channel.read(buf);
                            if (n < 0) {
                                p.parser.onEof();
                            } else {
                                p.parser.feed(buf.array(), 0, n);
                            }
                            done = p.parser.done() || n < 0;
                            if (done && p.parser.status() != 200) {
                                error = "probe: status " + p.parser.status();
                            } else if (!done && n < 0) {
                                error = "probe: connection closed before the whole answer";
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        error = "probe: " + e;
                    }
                    if (done || error != null) {
                        if (error == null) {
                            answered++;
                            latencyMicros.recordValue(Math.min((System.nanoTime() - p.startedAt) / 1000,
                                    latencyMicros.getHighestTrackableValue()));
                        } else {
                            errors++;
                            firstError = firstError == null ? error : firstError;
                        }
                        close(p);
                        inFlight.remove(p);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            firstError = firstError == null ? "probe selector: " + e : firstError;
        } finally {
            inFlight.forEach(Probe::close);
        }
        boolean any = latencyMicros.getTotalCount() > 0;
        result = new Result(sent, answered, unanswered, errors, any ? ms(latencyMicros.getValueAtPercentile(50)) : Double.NaN,
                any ? ms(latencyMicros.getValueAtPercentile(99)) : Double.NaN,
                any ? ms(latencyMicros.getMaxValue()) : Double.NaN, firstError);
    }

    /** No probe lasts beyond the timeout: the histogram's bucket above it is the timeout itself. */
    private double ms(long micros) {
        return Math.min(micros, timeoutNanos / 1000) / 1000.0;
    }

    private void sendRequest(InFlight p) throws IOException {
        // ~70 bytes into the empty send buffer of a new connection: one write takes them all
        if (p.channel.write(ByteBuffer.wrap(request)) < request.length) {
            throw new IOException("probe request not written whole");
        }
    }

    private static void close(InFlight p) {
        try {
            if (p.channel != null) {
                p.channel.close();
            }
        } catch (IOException ignored) {
            // closing
        }
    }
}
