package dev.streamproxy.benchmark.servers;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tiny admin endpoint inside each contender JVM, on its own port, so the harness can read what the proxy JVM
 * itself allocated and how much heap it used, before and after a measured window.
 * <ul>
 *   <li>{@code /stats}: allocatedBytes (all threads, ever, incl. ended ones), heapUsed, gcCount, gcTimeMs,
 *   cpuNanos, threads</li>
 *   <li>{@code /gc}: two System.gc() calls, then stats (with the contender's lines)</li>
 *   <li>{@code /peak/start}, {@code /peak/stop}: sample heap used every 2 ms in between; stop answers
 *   {@code peakHeapUsed} and {@code baseHeapUsed}</li>
 * </ul>
 */
public final class Admin {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final AtomicBoolean sampling = new AtomicBoolean();
    private final AtomicLong peak = new AtomicLong();
    private volatile long base;

    private Admin() {
    }

    /** Starts the endpoint and returns its port. {@code extra} adds contender-specific lines to /stats. */
    static int start(Supplier<String> extra) throws IOException {
        Admin admin = new Admin();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bench-admin");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/stats", ex -> reply(ex, stats() + extra.get()));
        server.createContext("/gc", ex -> {
            System.gc();
            System.gc();
            reply(ex, stats() + extra.get());
        });
        server.createContext("/peak/start", ex -> reply(ex, admin.startSampling()));
        server.createContext("/peak/stop", ex -> reply(ex, admin.stopSampling()));
        server.start();
        return server.getAddress().getPort();
    }

    static String stats() {
        long gcCount = 0;
        long gcTime = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcTime += Math.max(0, gc.getCollectionTime());
        }
        return "allocatedBytes=" + THREADS.getTotalThreadAllocatedBytes() + "\n"
                + "heapUsed=" + MEMORY.getHeapMemoryUsage().getUsed() + "\n"
                + "heapCommitted=" + MEMORY.getHeapMemoryUsage().getCommitted() + "\n"
                + "gcCount=" + gcCount + "\n"
                + "gcTimeMs=" + gcTime + "\n"
                + "cpuNanos=" + OS.getProcessCpuTime() + "\n"
                + "threads=" + THREADS.getThreadCount() + "\n";
    }

    private String startSampling() {
        base = MEMORY.getHeapMemoryUsage().getUsed();
        peak.set(base);
        if (sampling.compareAndSet(false, true)) {
            Thread t = new Thread(() -> {
                while (sampling.get()) {
                    long used = MEMORY.getHeapMemoryUsage().getUsed();
                    peak.accumulateAndGet(used, Math::max);
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-heap-sampler");
            t.setDaemon(true);
            t.start();
        }
        return "baseHeapUsed=" + base + "\n";
    }

    private String stopSampling() {
        sampling.set(false);
        peak.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
        return "peakHeapUsed=" + peak.get() + "\nbaseHeapUsed=" + base + "\n" + stats();
    }

    private static void reply(HttpExchange ex, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.US_ASCII);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
