package dev.streamproxy.benchmark.startup;

import com.sun.net.httpserver.HttpServer;
import dev.streamproxy.ProxyConfig;
import dev.streamproxy.ProxyFilter;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;

/**
 * Start-up cost of the two ways the filter ships: the plain jar beside {@code httpcore5}, and the self-contained
 * {@code proxy-filter-all} jar with HttpCore relocated inside it. Each variant starts in fresh JVMs, alternating, and each JVM
 * reports the time from its own start to the first proxied response (embedded Jetty, a JDK upstream), the time
 * {@code ProxyFilter.init} took, and the classes loaded by then.
 *
 * <p>{@code java -cp 'benchmark/target/benchmark.jar:benchmark/target/lib/*'
 * dev.streamproxy.benchmark.startup.JarVariants [runs]}
 */
public final class JarVariants {

    private JarVariants() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child();
            return;
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path lib = Path.of("benchmark/target/lib");
        Path self = Path.of("benchmark/target/benchmark.jar");
        List<Path> common = new ArrayList<>();
        Path plain = null;
        Path all = null;
        Path core = null;
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path j : (Iterable<Path>) jars.sorted()::iterator) {
                String n = j.getFileName().toString();
                if (n.startsWith("proxy-filter-all-")) {
                    all = j;
                } else if (n.startsWith("proxy-filter-")) {
                    plain = j;
                } else if (n.startsWith("httpcore5-") && !n.startsWith("httpcore5-h2")) {
                    core = j;
                } else if (!n.startsWith("httpclient5") && !n.startsWith("httpcore5-h2")) {
                    common.add(j);
                }
            }
        }
        if (plain == null || all == null || core == null) {
            throw new IllegalStateException("build first: mvn -q -pl benchmark -am package -DskipTests");
        }
        System.out.printf("jar sizes: plain %s (%,d B) + %s (%,d B); all %s (%,d B)%n", plain.getFileName(),
                Files.size(plain), core.getFileName(), Files.size(core), all.getFileName(), Files.size(all));
        long[][] plainRuns = new long[runs][];
        long[][] allRuns = new long[runs][];
        for (int i = 0; i < runs; i++) {
            plainRuns[i] = run(classpath(self, common, plain, core));
            allRuns[i] = run(classpath(self, common, all));
        }
        report("plain jar + httpcore5", plainRuns);
        report("self-contained -all jar", allRuns);
    }

    private static String classpath(Path self, List<Path> common, Path... filter) {
        List<String> cp = new ArrayList<>();
        cp.add(self.toString());
        Arrays.stream(filter).map(Path::toString).forEach(cp::add);
        common.stream().map(Path::toString).forEach(cp::add);
        return String.join(File.pathSeparator, cp);
    }

    private static long[] run(String classpath) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-cp", classpath, JarVariants.class.getName(), "--child")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("child failed:\n" + out);
        }
        String line = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no result:\n" + out));
        return Arrays.stream(line.substring(7).split(" ")).mapToLong(Long::parseLong).toArray();
    }

    private static void report(String name, long[][] runs) {
        System.out.printf("%-26s first response %s ms, filter init %s ms, classes loaded %s (median of %d JVMs)%n",
                name, median(runs, 0), median(runs, 1), median(runs, 2), runs.length);
    }

    private static long median(long[][] runs, int column) {
        long[] v = Arrays.stream(runs).mapToLong(r -> r[column]).sorted().toArray();
        return v[v.length / 2];
    }

    private static void child() throws Exception {
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ProxyFilter filter = new ProxyFilter(ProxyConfig.builder()
                .targetUri("http://127.0.0.1:" + upstream.getAddress().getPort()).prefix("/api").build());
        FilterHolder holder = new FilterHolder(filter);
        holder.setName("api");
        context.addFilter(holder, "/api/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        long initStart = System.nanoTime();
        server.start();
        long initMillis = (System.nanoTime() - initStart) / 1_000_000;
        try (InputStream in = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/api/x").toURL()
                .openStream()) {
            if (!new String(in.readAllBytes(), StandardCharsets.US_ASCII).equals("ok")) {
                throw new IllegalStateException("wrong answer");
            }
        }
        long first = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        long classes = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
        System.out.println("RESULT " + first + " " + initMillis + " " + classes);
        server.stop();
        upstream.stop(0);
    }
}
