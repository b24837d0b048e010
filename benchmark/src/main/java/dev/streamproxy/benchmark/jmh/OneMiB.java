package dev.streamproxy.benchmark.jmh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import dev.streamproxy.ProxyConfig;
import dev.streamproxy.ProxyFilter;
import dev.streamproxy.benchmark.load.BlockingConnection;
import dev.streamproxy.benchmark.load.ResponseParser;
import dev.streamproxy.benchmark.load.Scenario;
import dev.streamproxy.benchmark.servers.ContenderServer;
import dev.streamproxy.benchmark.servers.NaiveProxyFilter;
import dev.streamproxy.benchmark.servers.PatternData;
import dev.streamproxy.benchmark.servers.Upstream;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The seed's benchmark in Java's own form (the seed ran {@code go test -bench=. -benchmem} on a 1 MB request, old
 * against new): one client sends a 1 MiB POST, or fetches a 1 MiB GET response, back to back on one keep-alive
 * connection, through a proxy running in this JVM, to an upstream running in this JVM, all on 127.0.0.1.
 * <ul>
 *   <li>{@code proxy=streamproxy}: {@link ProxyFilter} in embedded Jetty 12 (ee10), as in the race</li>
 *   <li>{@code proxy=naive}: {@link NaiveProxyFilter} in the same Jetty: the seed's "old" way (whole body in
 *   memory, a new client and connection per request, whole response buffered)</li>
 *   <li>{@code proxy=direct}: no proxy, the client talks to the upstream: what the client and the upstream cost
 *   alone, to subtract</li>
 * </ul>
 * The upstream is the race's non-blocking Jetty core {@link Upstream}; the client is the load generator's
 * {@link BlockingConnection}, which allocates nothing per request. Run with {@code -prof gc}: its
 * {@code gc.alloc.rate.norm} is the bytes allocated per operation by the whole JVM, so client, upstream and proxy
 * together. The proxy's own share is that minus the {@code direct} figure, and, measured directly, the per-thread
 * allocation of the proxy's threads this benchmark prints at the end of each trial (with the upstream's and the
 * client's).
 *
 * <p>{@code java -cp benchmark/target/benchmark.jar org.openjdk.jmh.Main OneMiB -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class OneMiB {

    private static final String PREFIX = "/api";

    /** Which proxy the requests go through. */
    @Param({"streamproxy", "naive", "direct"})
    public String proxy;

    private Server upstream;
    private Server proxyServer;
    private InetSocketAddress address;
    private byte[] postHead;
    private byte[] getHead;

    @Setup(Level.Trial)
    public void start() throws Exception {
        upstream = Upstream.start(0, null);
        int upstreamPort = port(upstream);
        String target = "http://127.0.0.1:" + upstreamPort + "/svc";
        int port = upstreamPort;
        String prefix = "/svc";
        if (!proxy.equals("direct")) {
            requirePlainFilterJar();
            QueuedThreadPool pool = new QueuedThreadPool(200);
            pool.setName(ThreadAllocation.PROXY_THREADS);
            proxyServer = ContenderServer.jetty(proxy, switch (proxy) {
                case "streamproxy" -> new ProxyFilter(ProxyConfig.builder().targetUri(target).prefix(PREFIX).build());
                case "naive" -> new NaiveProxyFilter(target, PREFIX);
                default -> throw new IllegalArgumentException("proxy=" + proxy);
            }, target, pool, 256);
            proxyServer.start();
            port = port(proxyServer);
            prefix = PREFIX;
        }
        address = new InetSocketAddress("127.0.0.1", port);
        postHead = Scenario.POST_1M.head(prefix, port);
        getHead = Scenario.GET_1M.head(prefix, port);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        if (proxyServer != null) {
            proxyServer.stop();
        }
        upstream.stop();
    }

    /** One client connection per benchmark thread, and what each group of threads allocated meanwhile. */
    @State(Scope.Thread)
    public static class Client {
        BlockingConnection connection;
        final ThreadAllocation allocation = new ThreadAllocation();
        long ops;

        @Setup(Level.Trial)
        public void open(OneMiB b) {
            connection = new BlockingConnection(b.address);
        }

        @Setup(Level.Iteration)
        public void iterationStarts(IterationParams params) {
            if (params.getType() == IterationType.MEASUREMENT) {
                allocation.start();
            }
        }

        @TearDown(Level.Iteration)
        public void iterationEnds(IterationParams params) {
            if (params.getType() == IterationType.MEASUREMENT) {
                allocation.stop();
            } else {
                ops = 0;
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            connection.close();
            System.out.println();
            System.out.println(allocation.report(ops));
        }
    }

    /** A 1 MiB request body up, a short answer back (the seed's benchmark). */
    @Benchmark
    public int post1MiB(OneMiB b, Client c) throws IOException {
        int status = c.connection.exchange(b.postHead, PatternData.source(), 0, Scenario.POST_1M.bodyBytes,
                ResponseParser.BodyListener.SKIP);
        return checked(status, c);
    }

    /** A 1 MiB response body down. */
    @Benchmark
    public long get1MiB(OneMiB b, Client c) throws IOException {
        int status = c.connection.exchange(b.getHead, null, 0, 0, ResponseParser.BodyListener.SKIP);
        checked(status, c);
        long got = c.connection.lastBodyBytes();
        if (got != PatternData.CHUNK) {
            throw new IllegalStateException("got " + got + " body bytes");
        }
        return got;
    }

    private static int checked(int status, Client c) {
        if (status != 200) {
            throw new IllegalStateException("status " + status);
        }
        c.ops++;
        return status;
    }

    private static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /**
     * benchmark/target/lib holds the self-contained proxy-filter-all jar too (for startup.JarVariants); this
     * benchmark measures the plain jar, which comes first on benchmark.jar's manifest class path.
     */
    private static void requirePlainFilterJar() {
        String from = String.valueOf(ProxyFilter.class.getProtectionDomain().getCodeSource().getLocation());
        if (from.contains("proxy-filter-all")) {
            throw new IllegalStateException("ProxyFilter was loaded from " + from + "; run with -cp benchmark/target/benchmark.jar");
        }
    }
}
