package dev.streamproxy.it.support;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Apache Tomcat binary distribution, unpacked by the build (CATALINA_HOME, never modified) and run with its own
 * {@code bin/catalina.sh run} from a fresh CATALINA_BASE under {@code target/tomcat-bases/}: the HTTP connector on
 * 127.0.0.1 with an ephemeral port (read back from Tomcat's log), the shutdown port disabled (it is stopped with
 * SIGTERM, which runs Tomcat's orderly shutdown). Its logs stay in {@code <base>/logs/}.
 */
public final class TomcatDistribution implements AutoCloseable {

    /** Unpacked distributions to test, comma-separated (set by the build). */
    public static final String HOMES_PROPERTY = "streamproxy.it.tomcat.homes";
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Pattern PORT = Pattern.compile("Starting ProtocolHandler \\[\"http-nio-127\\.0\\.0\\.1-auto-\\d+-(\\d+)\"\\]");

    private final Path home;
    private final Path base;
    private final Process process;
    private final int port;

    private TomcatDistribution(Path home, Path base, Process process, int port) {
        this.home = home;
        this.base = base;
        this.process = process;
        this.port = port;
    }

    /** @return the unpacked distributions named by the build */
    public static List<Path> homes() {
        String homes = System.getProperty(HOMES_PROPERTY);
        // set only in the tomcat-distribution failsafe execution, which the build always runs
        Assumptions.assumeTrue(homes != null && !homes.isBlank(),
                HOMES_PROPERTY + " is not set: the build's tomcat-distribution execution runs these tests");
        List<Path> paths = new ArrayList<>();
        for (String h : homes.split(",")) {
            paths.add(Path.of(h.strip()));
        }
        return paths;
    }

    /** @return e.g. {@code 11.0.24}, from the distribution's directory name */
    public static String version(Path home) {
        return home.getFileName().toString().replace("apache-tomcat-", "");
    }

    /**
     * Creates {@code base}, lets {@code deploy} put WARs into {@code base/webapps} and jars into {@code base/lib},
     * starts Tomcat and waits until it has started (every application deployed).
     */
    public static TomcatDistribution start(Path home, Path base, Consumer<Path> deploy) throws Exception {
        deleteRecursively(base);
        for (String dir : new String[] {"conf", "logs", "temp", "webapps", "work", "lib"}) {
            Files.createDirectories(base.resolve(dir));
        }
        try (Stream<Path> conf = Files.list(home.resolve("conf"))) {
            for (Path f : (Iterable<Path>) conf::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, base.resolve("conf").resolve(f.getFileName()));
                }
            }
        }
        Path serverXml = base.resolve("conf/server.xml");
        String server = Files.readString(serverXml);
        // the one active HTTP connector (the others in the file are commented out) and the shutdown port
        if (!server.contains("<Server port=\"8005\"") || !server.contains("<Connector port=\"8080\"")) {
            throw new IllegalStateException("conf/server.xml of " + home + " no longer has the default ports to edit");
        }
        String edited = server
                .replace("<Server port=\"8005\"", "<Server port=\"-1\"")
                .replace("<Connector port=\"8080\"", "<Connector address=\"127.0.0.1\" port=\"0\"");
        Files.writeString(serverXml, edited);
        deploy.accept(base);

        Path console = base.resolve("logs/console.out");
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", home.resolve("bin/catalina.sh").toString(), "run")
                .redirectErrorStream(true)
                .redirectOutput(console.toFile());
        pb.environment().put("CATALINA_HOME", home.toString());
        pb.environment().put("CATALINA_BASE", base.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("CATALINA_OPTS", "-Xmx256m -Dorg.apache.catalina.startup.EXIT_ON_INIT_FAILURE=true");
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("CATALINA_PID");
        Process process = pb.start();
        try {
            int port = awaitStarted(process, console);
            return new TomcatDistribution(home, base, process, port);
        } catch (Exception | Error e) {
            stop(process);
            throw new IllegalStateException("Tomcat " + version(home) + " did not start; its logs:\n" + logs(base), e);
        }
    }

    private static int awaitStarted(Process process, Path console) throws IOException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            String out = Files.readString(console, StandardCharsets.UTF_8);
            Matcher m = PORT.matcher(out);
            if (m.find() && out.contains("Server startup in")) {
                return Integer.parseInt(m.group(1));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("catalina.sh exited with " + process.exitValue());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("no 'Server startup in' within " + STARTUP);
    }

    public int port() {
        return port;
    }

    public String version() {
        return version(home);
    }

    public Path base() {
        return base;
    }

    /** @return the Tomcat JVM's process id ({@code catalina.sh run} execs {@code java}, so it keeps the shell's) */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return every file in the base's {@code logs/}, each under its name */
    public String logs() {
        return logs(base);
    }

    static String logs(Path base) {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(base.resolve("logs"))) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                sb.append("----- ").append(f).append('\n').append(Files.readString(f, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            sb.append("(logs unreadable: ").append(e).append(")\n");
        }
        return sb.toString();
    }

    /** Stops Tomcat: SIGTERM (Tomcat's orderly shutdown hook), then a kill if it hangs. */
    @Override
    public void close() {
        stop(process);
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Override
    public String toString() {
        return "Tomcat " + version() + " (" + base + ")";
    }
}
