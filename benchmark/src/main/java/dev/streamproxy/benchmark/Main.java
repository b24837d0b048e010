package dev.streamproxy.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Properties;

import dev.streamproxy.benchmark.contenders.Launcher;
import dev.streamproxy.benchmark.contenders.Nginx;
import dev.streamproxy.benchmark.report.FleetRecord;
import dev.streamproxy.benchmark.report.FleetReport;
import dev.streamproxy.benchmark.report.Report;
import dev.streamproxy.benchmark.report.RunFiles;
import dev.streamproxy.benchmark.report.RunRecord;
import dev.streamproxy.benchmark.report.StreamsReport;
import dev.streamproxy.benchmark.report.WebSocketReport;

/**
 * The benchmark's entry point: {@code java -jar benchmark/target/benchmark.jar [--quick|--huge|--profile|--fleet|--websocket|--streams]}. This JVM is the
 * load generator and the conductor; the upstream and each contender run in their own processes. See README.md.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Progress progress = new Progress();
        if (o.mode.equals("report")) {
            new Report(RunFiles.read(o.out)).write(o.out);
            progress.say("redrew " + o.out.resolve("results.md") + " from its raw files");
            return;
        }
        RunRecord run = new RunRecord();
        run.logDir = o.out.resolve("logs");
        run.reps = o.reps;
        Files.createDirectories(run.logDir);
        Launcher launcher = new Launcher(o.contenderJava, o.contenderFlags(), run.logDir);
        describe(o, run, launcher);
        progress.say("streamproxy benchmark, " + o.mode + " mode, results in " + o.out.toAbsolutePath());
        run.info.forEach((k, v) -> progress.say("  " + k + ": " + v));
        if (o.mode.equals("huge")) {
            Huge.run(o, run, launcher, progress);
            progress.say("wrote " + o.out.resolve("huge.md"));
            return;
        }
        if (o.mode.equals("fleet")) {
            FleetRecord fleet = new Fleet(o, run, launcher, progress).run();
            new FleetReport(run, fleet).write(o.out, Fleet.CLIENTS);
            progress.say("wrote " + o.out.resolve("fleet.md") + ", fleet.csv, fleet-failover.csv, fleet-failures.csv");
            return;
        }
        if (o.mode.equals("websocket")) {
            new WebSocketReport(run, new WebSocketTunnels(o, run, launcher, progress).run()).write(o.out);
            progress.say("wrote " + o.out.resolve("websocket.md") + ", websocket.csv, websocket-idle.csv");
            return;
        }
        if (o.mode.equals("streams")) {
            new StreamsReport(run, new Streams(o, run, launcher, progress).run()).write(o.out);
            progress.say("wrote " + o.out.resolve("streams.md") + ", streams.csv");
            return;
        }
        if (o.mode.equals("profile")) {
            Profile.run(o, run, launcher, progress);
            progress.say("wrote " + o.out.resolve("profile.md"));
            return;
        }
        new Race(o, run, launcher, progress).run();
        new Report(run).write(o.out);
        progress.say("wrote " + o.out.resolve("results.md") + ", raw.csv, sse.csv, large.csv, throughput.png, allocation.png");
    }

    private static void describe(Options o, RunRecord run, Launcher launcher) throws IOException {
        Properties v = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("/benchmark-versions.properties")) {
            if (in != null) {
                v.load(in);
            }
        }
        run.info.put("date", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16) + " UTC");
        boolean cells = !o.mode.equals("huge") && !o.mode.equals("profile") && !o.mode.equals("streams");
        run.info.put("mode", o.mode + (!cells ? "" : String.format(
                ", %d repetition(s), per cell %d ms warm-up + %d ms measured, contenders interleaved (order rotates)",
                o.reps, o.warmMs, o.measureMs)));
        run.info.put("cpus", Runtime.getRuntime().availableProcessors() + " × " + cpuModel());
        run.info.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + ", "
                + memory());
        run.info.put("contender JDK", launcher.javaVersion());
        run.info.put("contender JVM flags", String.join(" ", launcher.jvmFlags()) + " (the same for every contender JVM)");
        run.info.put("upstream", "one Jetty core (non-blocking) server, -Xms1g -Xmx1g -XX:+UseParallelGC, same JDK");
        run.info.put("load generator", "this JVM (" + System.getProperty("java.vm.name") + " " + Runtime.version()
                + "): one platform thread and one keep-alive socket per concurrent client, hand-written "
                + "allocation-free HTTP/1.1; HdrHistogram latencies");
        run.info.put("streamproxy source", gitDescribe());
        run.info.put("versions", "streamproxy " + v.getProperty("streamproxy") + ", Jetty " + v.getProperty("jetty")
                + ", Tomcat " + v.getProperty("tomcat") + ", Smiley " + v.getProperty("smiley") + ", HttpClient "
                + v.getProperty("httpclient5") + ", nginx " + Nginx.binary().map(Nginx::version).orElse("not installed"));
        run.info.put("settings", "every proxy at /api -> upstream /svc; container defaults (200 platform threads); "
                + "upstream pool " + o.poolSize + " connections for every Java proxy (streamproxy maxConnections, "
                + "Jetty ProxyServlet maxConnections, Smiley http.maxConnections); Tomcat maxKeepAliveRequests=-1; "
                + "nginx: worker_processes auto, upstream keepalive 256, proxy_request_buffering off, "
                + "proxy_buffering off, client_body_buffer_size 64k, proxy_buffer_size 64k, access_log off");
        if (o.mode.equals("fleet")) {
            run.info.put("mode", run.info.get("mode") + "; failover: " + o.failoverReps + " run(s) per proxy and scenario, "
                    + o.failoverMs + " ms each, an upstream killed at " + o.killAtMs + " ms");
            run.info.put("upstream", o.fleetSize + " Jetty core (non-blocking) server processes (A, B, C), each -Xms1g "
                    + "-Xmx1g -XX:+UseParallelGC, same JDK; one-target contenders use A");
            run.info.put("settings", "every proxy at /api -> upstreams /svc, " + Fleet.CLIENTS + " clients; Jetty's "
                    + "default 200 platform threads; streamproxy maxConnections=" + o.poolSize + " per target, everything "
                    + "else default (loadBalancing as named, maxRetries 2, maxFails 3, failTimeout 10s, retryBufferSize "
                    + "64KiB); nginx as in the race (worker_processes auto, upstream keepalive 256, proxy_request_buffering "
                    + "off, proxy_buffering off, 64k buffers, access_log off), least_conn for three servers, failure "
                    + "settings default (max_fails=1 fail_timeout=10s, proxy_next_upstream error timeout)");
        }
        if (o.mode.equals("streams")) {
            run.info.put("contender JDK", launcher.javaVersion() + " (the -17 set-ups); " + (o.virtualThreadJava == null
                    ? "no JDK 21+ found (--vt-java)" : launcher.with(o.virtualThreadJava, List.of()).javaVersion()
                    + " (the -25 set-ups)"));
            run.info.put("contender JVM flags", String.join(" ", o.contenderFlags(o.streamsHeap))
                    + " (the same for every proxy JVM)");
            run.info.put("load generator", "this JVM (" + System.getProperty("java.vm.name") + " " + Runtime.version()
                    + "): every SSE stream on one NIO selector thread (no thread per stream), the probe on one more; "
                    + "hand-written allocation-free HTTP/1.1 parser");
            run.info.put("settings", "streamproxy at /api -> upstream /svc with its defaults but maxConnections; the "
                    + "container's default thread pool (Jetty: QueuedThreadPool, 200 threads; Tomcat: maxThreads 200, "
                    + "maxConnections 8192) unless the set-up names virtual threads; otherwise the race's contender "
                    + "JVM: Jetty accept queue 4096 and idle timeout 120 s, Tomcat acceptCount 4096, "
                    + "maxKeepAliveRequests -1, connection and keep-alive timeouts 120 s");
        }
        if (o.mode.equals("websocket")) {
            run.info.put("mode", run.info.get("mode") + "; idle tunnels: " + java.util.Arrays.stream(o.idleTunnels)
                    .mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(" and ")) + " per measurement, "
                    + o.idleReps + " measurement(s) per proxy and JDK");
            run.info.put("upstream", "one Jetty core (non-blocking) server, -Xms1g -Xmx1g -XX:+UseParallelGC, same JDK; "
                    + "WebSocket echo at /svc/ws (Jetty " + v.getProperty("jetty") + " core WebSocket API: every data "
                    + "frame sent back as it came; no extension negotiated)");
            run.info.put("load generator", "this JVM (" + System.getProperty("java.vm.name") + " " + Runtime.version()
                    + "): one platform thread and one WebSocket connection (plain blocking socket) per concurrent client, "
                    + "hand-written RFC 6455 client: pre-built masked frames, echoes parsed and checked in place, nothing "
                    + "allocated per message; HdrHistogram round trips");
            run.info.put("versions", "streamproxy " + v.getProperty("streamproxy") + ", Jetty " + v.getProperty("jetty")
                    + ", Tomcat " + v.getProperty("tomcat") + ", HttpClient " + v.getProperty("httpclient5") + ", nginx "
                    + Nginx.binary().map(Nginx::version).orElse("not installed"));
            run.info.put("settings", "every proxy at /api/ws -> upstream /svc/ws; streamproxy with its defaults "
                    + "(upgradeProtocols=websocket, upgradeIdleTimeout=1h; two pump threads and two 8 KiB buffers per "
                    + "tunnel), the race's contender JVMs (container defaults, 200 platform threads; Tomcat "
                    + "maxKeepAliveRequests=-1); nginx as in the race plus location /api/ws: proxy_http_version 1.1, "
                    + "Upgrade $http_upgrade, Connection \"upgrade\", proxy_buffer_size 8k (streamproxy's per direction), "
                    + "proxy_read_timeout 1h, proxy_send_timeout 1h");
        }
    }

    /** The commit the run was built from, and whether proxy-filter/ had uncommitted changes. */
    private static String gitDescribe() {
        try {
            Process p = new ProcessBuilder("git", "log", "-1", "--format=%h %cI %s").redirectErrorStream(true).start();
            String head = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            Process d = new ProcessBuilder("git", "status", "--porcelain", "--", "proxy-filter").redirectErrorStream(true).start();
            boolean dirty = !new String(d.getInputStream().readAllBytes()).isBlank();
            d.waitFor();
            return p.exitValue() == 0 ? "commit " + head + (dirty ? " (proxy-filter/ with uncommitted changes)" : "") : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String memory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> (Long.parseLong(l.replaceAll("\\D", "")) >> 20) + " GiB RAM").findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }
}
