package dev.streamproxy.benchmark.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Heap bytes allocated by each group of threads in this JVM between {@link #start()} and {@link #stop()}, summed over
 * several such intervals: the proxy's (its Jetty pool, named {@value #PROXY_THREADS}, and streamproxy's own
 * scheduler), the upstream's, the client's (the JMH worker) and the rest. This is how {@link OneMiB} tells the
 * proxy's share of {@code gc.alloc.rate.norm} apart from the client's and the upstream's, which run in the same JVM.
 * A thread that ends between start and stop loses its bytes from the count (Jetty ends idle pool threads after 60 s).
 */
final class ThreadAllocation {

    static final String PROXY_THREADS = "proxy";
    private static final String[] GROUPS = {"proxy", "upstream", "client", "other"};

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final long[] total = new long[GROUPS.length];
    private Map<Long, Long> atStart = Map.of();

    void start() {
        atStart = snapshot();
    }

    void stop() {
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && bytes[i] >= 0) {
                total[group(infos[i].getThreadName())] += bytes[i] - atStart.getOrDefault(ids[i], 0L);
            }
        }
    }

    /** One line: KiB allocated per operation by each group, over every interval so far. */
    String report(long ops) {
        StringBuilder sb = new StringBuilder("heap allocated per op by thread group over the measured iterations (KiB):");
        for (int g = 0; g < GROUPS.length; g++) {
            sb.append(String.format(Locale.ROOT, " %s %.1f", GROUPS[g], ops == 0 ? Double.NaN : total[g] / 1024.0 / ops));
            sb.append(g < GROUPS.length - 1 ? "," : "");
        }
        return sb.append(" (").append(ops).append(" ops)").toString();
    }

    private Map<Long, Long> snapshot() {
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> m = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                m.put(ids[i], bytes[i]);
            }
        }
        return m;
    }

    private static int group(String name) {
        if (name.startsWith(PROXY_THREADS + "-") || name.startsWith("streamproxy-")) {
            return 0;
        }
        if (name.startsWith("upstream-") || name.equals("sse-ticker")) {
            return 1;
        }
        return name.contains("jmh-worker") ? 2 : 3;
    }
}
