package dev.streamproxy.benchmark.contenders;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import dev.streamproxy.benchmark.servers.ContenderServer;
import dev.streamproxy.benchmark.servers.Upstream;

/**
 * Starts the upstream and the contender JVMs. Every contender JVM gets the same java binary and the same flags;
 * its classpath is the benchmark's own, less the other container (a Jetty contender does not see Tomcat's jars
 * and the other way round, since both carry the servlet API), with another commit's streamproxy in place of this
 * build's for a {@link Baseline} contender.
 */
public final class Launcher {

    private final Path javaHome;
    private final List<String> jvmFlags;
    private final Path logDir;
    private final List<String> classpath;

    public Launcher(Path javaHome, List<String> jvmFlags, Path logDir) throws IOException {
        this(javaHome, jvmFlags, logDir, ownClasspath());
    }

    private Launcher(Path javaHome, List<String> jvmFlags, Path logDir, List<String> classpath) {
        this.javaHome = javaHome;
        this.jvmFlags = List.copyOf(jvmFlags);
        this.logDir = logDir;
        this.classpath = List.copyOf(classpath);
    }

    public Path javaHome() {
        return javaHome;
    }

    public List<String> jvmFlags() {
        return jvmFlags;
    }

    public Launcher with(Path otherJavaHome, List<String> otherFlags) {
        return new Launcher(otherJavaHome, otherFlags, logDir, classpath);
    }

    /** The same launcher, whose contender JVMs run the {@code baseline}'s streamproxy instead of this build's. */
    public Launcher with(Baseline baseline) {
        return new Launcher(javaHome, jvmFlags, logDir, baseline.swap(classpath));
    }

    public ChildProcess upstream() throws IOException {
        return upstream("upstream", List.of());
    }

    /** Starts an upstream JVM named {@code logName}; {@code args} are {@link Upstream}'s ({@code [port [request-log]]}). */
    public ChildProcess upstream(String logName, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin/java").toString());
        cmd.addAll(List.of("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"));
        cmd.addAll(List.of("-cp", classpath(p -> !p.contains("tomcat-")), Upstream.class.getName()));
        cmd.addAll(args);
        return ChildProcess.start(logName, cmd, logDir.resolve(logName + ".log"), true, Duration.ofSeconds(60));
    }

    /**
     * Starts one contender JVM; {@code extraFlags} go after the common flags (used only for the -Xmx32m run and for
     * profiling, and then named in the report).
     */
    public ChildProcess contender(String logName, int upstreamPort, String proxy, String container, String threads,
                           List<String> extraArgs, List<String> extraFlags) throws IOException {
        return contender(logName, List.of(upstreamPort), proxy, container, threads, extraArgs, extraFlags);
    }

    /** The same, with a route over several upstreams (streamproxy only). */
    public ChildProcess contender(String logName, List<Integer> upstreamPorts, String proxy, String container,
                                  String threads, List<String> extraArgs, List<String> extraFlags) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin/java").toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(extraFlags);
        boolean tomcat = container.equals("tomcat");
        cmd.addAll(List.of("-cp", classpath(tomcat
                ? p -> !p.contains("jetty-") && !p.contains("jakarta.servlet-api")
                : p -> !p.contains("tomcat-")), ContenderServer.class.getName()));
        cmd.add("proxy=" + proxy);
        cmd.add("container=" + container);
        cmd.add("threads=" + threads);
        cmd.add("upstream=" + String.join(",", upstreamPorts.stream().map(p -> "http://127.0.0.1:" + p).toList()));
        cmd.addAll(extraArgs);
        return ChildProcess.start(logName, cmd, logDir.resolve(logName + ".log"), true, Duration.ofSeconds(60));
    }

    /** The java -version of the contender JDK, first line and runtime line. */
    public String javaVersion() {
        try {
            Process p = new ProcessBuilder(javaHome.resolve("bin/java").toString(), "-version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            String[] lines = out.split("\n");
            return lines.length > 1 ? lines[0].trim() + "; " + lines[1].trim() : out;
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    /** "JDK 17.0.15", from a {@link #javaVersion()} line. */
    public static String jdkName(String javaVersion) {
        int q = javaVersion.indexOf('"');
        int e = q < 0 ? -1 : javaVersion.indexOf('"', q + 1);
        return e < 0 ? javaVersion : "JDK " + javaVersion.substring(q + 1, e);
    }

    /** The feature release of a {@link #jdkName} ("JDK 17.0.15": 17), or 0 when it has none. */
    public static int feature(String jdkName) {
        try {
            return Integer.parseInt(jdkName.replaceAll("^\\D*(\\d+).*$", "$1"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private String classpath(Predicate<String> keep) {
        return String.join(File.pathSeparator, classpath.stream().filter(p -> keep.test(Path.of(p).getFileName().toString())).toList());
    }

    /** benchmark.jar plus lib/*.jar when run with -jar; otherwise java.class.path as it is. */
    private static List<String> ownClasspath() throws IOException {
        Path self;
        try {
            self = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        List<String> cp = new ArrayList<>();
        if (Files.isRegularFile(self) && Files.isDirectory(self.resolveSibling("lib"))) {
            cp.add(self.toString());
            try (Stream<Path> jars = Files.list(self.resolveSibling("lib"))) {
                jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> cp.add(p.toString()));
            }
        } else {
            cp.addAll(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        }
        return cp;
    }
}
