package dev.streamproxy.benchmark.load;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.servers.PatternData;

import org.HdrHistogram.Histogram;

/**
 * Closed-loop WebSocket echo: {@code concurrency} platform threads, each with one {@link WebSocketConnection} to
 * {@code PREFIX/ws}, send one binary message, wait for its whole echo (checked byte for byte), and send the next.
 * The figure per message is the round trip as the client sees it. Like {@link LoadRunner}, a cell is a warm-up
 * phase (not recorded; the connections open in it) and a measured phase, with the proxy JVM's counters read just
 * before and after the measured one; every phase is bounded by time and by a message count. A failed message
 * (wrong or missing echo, a read stalled for {@link #READ_TIMEOUT_MS}, a closed connection) is an error; the
 * connection is then dropped and a new one opened 5 ms later.
 */
public final class EchoLoad {

    /** The message sizes raced. */
    public enum Size {
        SMALL("ws32", "32 B messages", 32),
        LARGE("ws64k", "64 KiB messages", 64 * 1024);

        public final String id;
        public final String title;
        public final int bytes;

        Size(String id, String title, int bytes) {
            this.id = id;
            this.title = title;
            this.bytes = bytes;
        }
    }

    /** The WebSocket path under a contender's prefix: {@code /api/ws} through a proxy, {@code /svc/ws} direct. */
    public static final String PATH = "/ws";
    static final int READ_TIMEOUT_MS = 15_000;
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final long MAX_MESSAGES_PER_WORKER = 5_000_000;
    private static final long MAX_ERRORS_PER_WORKER = 200;

    private EchoLoad() {
    }

    public static CellResult run(int rep, Contender c, Size size, int concurrency, Duration warm, Duration measure)
            throws IOException, InterruptedException {
        byte[] frame = WebSocketConnection.frame(WebSocketConnection.BINARY, PatternData.source(), 0, size.bytes);
        Worker[] workers = new Worker[concurrency];
        for (int i = 0; i < concurrency; i++) {
            workers[i] = new Worker(c, frame, size.bytes);
        }
        try {
            phase(workers, warm);
            for (Worker w : workers) {
                w.reset();
            }
            ProcessCounters before = ProcessCounters.read(c);
            long t0 = System.nanoTime();
            phase(workers, measure);
            double seconds = (System.nanoTime() - t0) / 1e9;
            ProcessCounters after = ProcessCounters.read(c);

            Histogram h = new Histogram(HIGHEST_NANOS, 3);
            long messages = 0;
            long errors = 0;
            int connects = 0;
            String firstError = null;
            for (Worker w : workers) {
                h.add(w.histogram);
                messages += w.messages;
                errors += w.errors;
                connects += w.connects;
                if (firstError == null) {
                    firstError = w.firstError;
                }
            }
            ProcessCounters.PerOperation cost = before.perOperation(after, messages);
            return new CellResult(rep, size.id, concurrency, c.id(), messages, errors, seconds, messages / seconds,
                    us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(90)), us(h.getValueAtPercentile(99)),
                    us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()), cost.allocatedBytes(), cost.cpuMicros(),
                    cost.contextSwitches(), cost.gcCount(), connects, firstError);
        } finally {
            for (Worker w : workers) {
                w.disconnect(false);
            }
        }
    }

    private static double us(long nanos) {
        return nanos / 1000.0;
    }

    private static void phase(Worker[] workers, Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        Thread[] threads = new Thread[workers.length];
        for (int i = 0; i < workers.length; i++) {
            Worker w = workers[i];
            threads[i] = new Thread(() -> w.loop(deadline), "ws-load-" + i);
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join(duration.toMillis() + 2L * READ_TIMEOUT_MS + 10_000);
            if (t.isAlive()) {
                t.interrupt();
            }
        }
    }

    private static final class Worker {
        final Contender contender;
        final byte[] frame;
        final int bytes;
        final Histogram histogram = new Histogram(HIGHEST_NANOS, 3);
        WebSocketConnection connection;
        long messages;
        long errors;
        int connects;
        String firstError;

        Worker(Contender contender, byte[] frame, int bytes) {
            this.contender = contender;
            this.frame = frame;
            this.bytes = bytes;
        }

        void reset() {
            histogram.reset();
            messages = 0;
            errors = 0;
            connects = 0;
            firstError = null;
        }

        void loop(long deadline) {
            byte[] expected = PatternData.source();
            while (messages < MAX_MESSAGES_PER_WORKER && errors < MAX_ERRORS_PER_WORKER && System.nanoTime() < deadline) {
                try {
                    if (connection == null) {
                        connection = WebSocketConnection.open(contender.address(), contender.pathPrefix() + PATH,
                                Math.min(bytes, 60 * 1024) + 4096, READ_TIMEOUT_MS);
                        connects++;
                    }
                    long start = System.nanoTime();
                    connection.echo(frame, expected, 0, bytes);
                    histogram.recordValue(Math.min(System.nanoTime() - start, HIGHEST_NANOS));
                    messages++;
                } catch (IOException | RuntimeException e) {
                    errors++;
                    if (firstError == null) {
                        firstError = e.toString();
                    }
                    disconnect(true);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }

        /** Ends the connection: at once after an error, else with the closing handshake. */
        void disconnect(boolean abrupt) {
            if (connection != null) {
                if (abrupt) {
                    connection.close();
                } else {
                    connection.closeCleanly();
                }
                connection = null;
            }
        }
    }
}
