package dev.streamproxy.benchmark.load;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.servers.PatternData;

import org.HdrHistogram.Histogram;

/**
 * Closed-loop load: {@code concurrency} platform threads, each with one keep-alive {@link BlockingConnection},
 * send the scenario's request back to back. A cell is a warm-up phase (not recorded) and a measured phase; the
 * proxy JVM's counters are read just before and just after the measured phase, when the connections are idle.
 * Every phase is bounded by time and by a request count.
 */
public final class LoadRunner {

    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final long MAX_REQUESTS_PER_WORKER = 5_000_000;
    private static final long MAX_ERRORS_PER_WORKER = 200;

    private LoadRunner() {
    }

    public static CellResult run(int rep, Contender c, Scenario s, int concurrency, Duration warm, Duration measure)
            throws IOException, InterruptedException {
        byte[] head = s.head(c.pathPrefix(), c.port());
        Worker[] workers = new Worker[concurrency];
        for (int i = 0; i < concurrency; i++) {
            workers[i] = new Worker(new BlockingConnection(c.address()), head, s);
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
            long requests = 0;
            long errors = 0;
            int connects = 0;
            String firstError = null;
            for (Worker w : workers) {
                h.add(w.histogram);
                requests += w.requests;
                errors += w.errors;
                connects += w.connection.connects();
                if (firstError == null) {
                    firstError = w.firstError;
                }
            }
            ProcessCounters.PerOperation cost = before.perOperation(after, requests);
            return new CellResult(rep, s.id, concurrency, c.id(), requests, errors, seconds, requests / seconds,
                    us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(90)), us(h.getValueAtPercentile(99)),
                    us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()), cost.allocatedBytes(), cost.cpuMicros(),
                    cost.contextSwitches(), cost.gcCount(), connects, firstError);
        } finally {
            for (Worker w : workers) {
                w.connection.close();
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
            threads[i] = new Thread(() -> w.loop(deadline), "load-" + i);
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join(duration.toMillis() + 180_000);
            if (t.isAlive()) {
                t.interrupt();
            }
        }
    }

    private static final class Worker implements ResponseParser.BodyListener {
        final BlockingConnection connection;
        final byte[] head;
        final Scenario scenario;
        final Histogram histogram = new Histogram(HIGHEST_NANOS, 3);
        long requests;
        long errors;
        String firstError;
        private long firstEventAt;
        private byte prev;

        Worker(BlockingConnection connection, byte[] head, Scenario scenario) {
            this.connection = connection;
            this.head = head;
            this.scenario = scenario;
        }

        void reset() {
            histogram.reset();
            requests = 0;
            errors = 0;
            firstError = null;
        }

        void loop(long deadline) {
            byte[] body = scenario.bodyBytes > 0 ? PatternData.source() : null;
            ResponseParser.BodyListener listener = scenario.firstEvent ? this : ResponseParser.BodyListener.SKIP;
            while (requests < MAX_REQUESTS_PER_WORKER && errors < MAX_ERRORS_PER_WORKER && System.nanoTime() < deadline) {
                firstEventAt = 0;
                prev = 0;
                long start = System.nanoTime();
                try {
                    int status = connection.exchange(head, body, 0, scenario.bodyBytes, listener);
                    long end = scenario.firstEvent ? firstEventAt : System.nanoTime();
                    if (status != 200 || end == 0) {
                        error("status " + status + (end == 0 ? " and no event" : ""));
                    } else {
                        histogram.recordValue(Math.min(end - start, HIGHEST_NANOS));
                        requests++;
                    }
                } catch (IOException | RuntimeException e) {
                    error(e.toString());
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }

        private void error(String what) {
            errors++;
            if (firstError == null) {
                firstError = what;
            }
        }

        @Override
        public void onBody(byte[] b, int off, int len) {
            if (firstEventAt != 0) {
                return;
            }
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n' && prev == '\n') {
                    firstEventAt = System.nanoTime();
                    return;
                }
                prev = b[i];
            }
        }
    }
}
