package dev.streamproxy.benchmark.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.servers.PatternData;
import dev.streamproxy.benchmark.servers.Upstream;

import org.HdrHistogram.Histogram;

/**
 * A closed loop that something breaks underneath: {@code concurrency} clients send the scenario's request back to
 * back for a fixed time, each request with a unique {@link Upstream#ID_HEADER} (so the upstreams can say which
 * requests reached them), and {@code event} runs once, on its own thread, {@code eventAt} into the loop. Every
 * response is checked: status 200 and the whole body for a GET, status 200 and the upstream's {@code bytes=N} for a
 * POST; anything else (another status, a reset, a truncated body, a read stalled for 15 s) is a failure, recorded with
 * the request's id. After a failure the client reconnects after 5 ms, so a proxy that fails fast cannot turn one
 * broken moment into thousands of errors.
 */
public final class FailoverLoop {

    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final int READ_TIMEOUT_MS = 15_000;
    private static final long MAX_REQUESTS_PER_WORKER = 2_000_000;
    private static final int MAX_FAILURES_KEPT = 20_000;

    /** One request that did not get a whole, correct answer; times in ms from the start of the loop. */
    public record Failure(String id, String what, double startMs, double endMs) {
    }

    /**
     * What the clients saw. {@code eventAtMs} is when the event started and {@code eventDoneMs} when it returned (ms
     * from the start); latencies are those of the successful requests; {@code maxAnyMs} is the longest request,
     * failed ones included.
     */
    public record Result(long ok, long failed, List<Failure> failures, double seconds, double eventAtMs,
                         double eventDoneMs, double p99Ms, double maxMs, double maxAnyMs) {
    }

    private FailoverLoop() {
    }

    public static Result run(Contender c, Scenario s, int concurrency, String idPrefix, Duration length,
                             Duration eventAt, Runnable event) throws InterruptedException {
        String head = new String(s.head(c.pathPrefix(), c.port()), StandardCharsets.US_ASCII);
        String headWithoutEnd = head.substring(0, head.length() - 2); // the blank line goes after the id
        long start = System.nanoTime();
        long deadline = start + length.toNanos();
        Worker[] workers = new Worker[concurrency];
        Thread[] threads = new Thread[concurrency];
        for (int i = 0; i < concurrency; i++) {
            Worker w = new Worker(new BlockingConnection(c.address(), READ_TIMEOUT_MS), headWithoutEnd,
                    idPrefix + "-" + i + "-", s, start);
            workers[i] = w;
            threads[i] = new Thread(() -> w.loop(deadline), "failover-" + i);
        }
        long[] eventNanos = {0, 0};
        Thread trigger = new Thread(() -> {
            try {
                Thread.sleep(eventAt.toMillis());
                eventNanos[0] = System.nanoTime();
                event.run();
                eventNanos[1] = System.nanoTime();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "failover-event");
        for (Thread t : threads) {
            t.start();
        }
        trigger.start();
        for (Thread t : threads) {
            t.join(length.toMillis() + READ_TIMEOUT_MS * 3L);
            t.interrupt();
        }
        trigger.join(30_000);
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram h = new Histogram(HIGHEST_NANOS, 3);
        long ok = 0;
        long failed = 0;
        long maxAny = 0;
        List<Failure> failures = new ArrayList<>();
        for (Worker w : workers) {
            w.connection.close();
            h.add(w.histogram);
            ok += w.ok;
            failed += w.failed;
            maxAny = Math.max(maxAny, w.maxAnyNanos);
            for (Failure f : w.failures) {
                if (failures.size() < MAX_FAILURES_KEPT) {
                    failures.add(f);
                }
            }
        }
        failures.sort((a, b) -> Double.compare(a.startMs(), b.startMs()));
        return new Result(ok, failed, failures, seconds, sinceStart(eventNanos[0], start), sinceStart(eventNanos[1], start),
                h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6, maxAny / 1e6);
    }

    private static double sinceStart(long nanos, long start) {
        return nanos == 0 ? Double.NaN : (nanos - start) / 1e6;
    }

    private static final class Worker {
        final BlockingConnection connection;
        final String head;
        final String idPrefix;
        final Scenario scenario;
        final long start;
        final Histogram histogram = new Histogram(HIGHEST_NANOS, 3);
        final List<Failure> failures = new ArrayList<>();
        final byte[] answer = new byte[256];
        int answerLen;
        long ok;
        long failed;
        long maxAnyNanos;

        Worker(BlockingConnection connection, String head, String idPrefix, Scenario scenario, long start) {
            this.connection = connection;
            this.head = head;
            this.idPrefix = idPrefix;
            this.scenario = scenario;
            this.start = start;
        }

        void loop(long deadline) {
            byte[] body = scenario.bodyBytes > 0 ? PatternData.source() : null;
            for (long seq = 0; seq < MAX_REQUESTS_PER_WORKER && System.nanoTime() < deadline; seq++) {
                String id = idPrefix + seq;
                byte[] request = (head + Upstream.ID_HEADER + ": " + id + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                answerLen = 0;
                long t0 = System.nanoTime();
                String problem;
                try {
                    int status = connection.exchange(request, body, 0, scenario.bodyBytes, this::onBody);
                    problem = check(status);
                } catch (IOException | RuntimeException e) {
                    problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                }
                long t1 = System.nanoTime();
                maxAnyNanos = Math.max(maxAnyNanos, t1 - t0);
                if (problem == null) {
                    histogram.recordValue(Math.min(t1 - t0, HIGHEST_NANOS));
                    ok++;
                    continue;
                }
                failed++;
                failures.add(new Failure(id, problem, (t0 - start) / 1e6, (t1 - start) / 1e6));
                connection.close();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Null when the answer is whole and right, else what is wrong with it. */
        private String check(int status) {
            if (status != 200) {
                return "status " + status;
            }
            if (scenario.bodyBytes > 0) {
                String text = new String(answer, 0, answerLen, StandardCharsets.US_ASCII).trim();
                String want = "bytes=" + scenario.bodyBytes + " ";
                return text.startsWith(want) ? null : "upstream answered '" + text + "'";
            }
            long want = scenario.responseBytes();
            long got = connection.lastBodyBytes();
            return want < 0 || got == want ? null : "body of " + got + " bytes, want " + want;
        }

        private void onBody(byte[] b, int off, int len) {
            int n = Math.min(len, answer.length - answerLen);
            System.arraycopy(b, off, answer, answerLen, n);
            answerLen += n;
        }
    }
}
