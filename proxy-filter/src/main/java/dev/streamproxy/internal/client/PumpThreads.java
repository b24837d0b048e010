package dev.streamproxy.internal.client;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where blocking work that must not hold up anyone else gets its threads (a tunnel's two pumps, a full-duplex
 * upload beside its answer, an active health check beside the route's scheduler): virtual threads when the JDK has them (21+), else daemon platform threads from a cached pool,
 * named after the route and the job so a thread dump says whose they are.
 */
public final class PumpThreads {

    private PumpThreads() {
    }

    /**
     * @param route the filter's name
     * @param job   what the threads do ({@code tunnel}, {@code upload}, {@code health})
     * @return a new executor, to be shut down with the route
     */
    public static ExecutorService newExecutor(String route, String job) {
        try {
            Method virtual = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) virtual.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            AtomicInteger n = new AtomicInteger();
            return Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "streamproxy-" + route + "-" + job + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }
}
