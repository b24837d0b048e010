package dev.streamproxy.benchmark;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.streamproxy.benchmark.contenders.ChildProcess;
import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.contenders.Launcher;
import dev.streamproxy.benchmark.contenders.Nginx;
import dev.streamproxy.benchmark.load.CellResult;
import dev.streamproxy.benchmark.load.EchoLoad;
import dev.streamproxy.benchmark.report.Report;
import dev.streamproxy.benchmark.report.RunRecord;
import dev.streamproxy.benchmark.report.WebSocketRecord;
import dev.streamproxy.benchmark.servers.ContenderServer;

/**
 * {@code --websocket}: issue 12's benchmark. The upstream's WebSocket echo endpoint reached directly, through
 * streamproxy in Jetty and in Tomcat (the race's contender JVMs: the filter tunnels WebSocket by default) and through
 * nginx, each in its own process. First the echo cells: 32 B and 64 KiB messages at 1 and 16 connections, closed
 * loop, contenders interleaved with the order rotating each repetition, like the race. Then the memory per idle
 * tunnel ({@link IdleTunnelMemory}) on the contenders' JDK and, in new JVMs, on a JDK with virtual threads.
 */
final class WebSocketTunnels {

    private final Options o;
    private final RunRecord run;
    private final Launcher launcher;
    private final Progress progress;
    private final WebSocketRecord ws = new WebSocketRecord();
    private final Map<Path, String> jdks = new HashMap<>();

    WebSocketTunnels(Options o, RunRecord run, Launcher launcher, Progress progress) {
        this.o = o;
        this.run = run;
        this.launcher = launcher;
        this.progress = progress;
    }

    WebSocketRecord run() throws IOException, InterruptedException {
        List<ChildProcess> processes = new ArrayList<>();
        run.labels.putAll(Report.labels());
        try (ChildProcess upstream = launcher.upstream()) {
            int port = upstream.port();
            progress.say("upstream listening on " + port + " (WebSocket echo at /svc/ws)");
            List<Contender> contenders = new ArrayList<>();
            if (o.wants(Contender.DIRECT)) {
                contenders.add(new Contender(Contender.DIRECT, run.labels.get(Contender.DIRECT), port, "/svc", null, false));
            }
            for (String id : proxies(true)) {
                Contender c = start(launcher, "ws-" + id, id, port);
                if (c != null) {
                    processes.add(c.process());
                    contenders.add(c);
                }
            }
            run.contenders.clear();
            contenders.forEach(c -> run.contenders.add(c.id()));
            warmUp(contenders, Duration.ofMillis(o.initialWarmMs / 2));
            if (o.runs("echo")) {
                for (int rep = 1; rep <= o.reps; rep++) {
                    for (EchoLoad.Size size : EchoLoad.Size.values()) {
                        cells(rep, size, contenders);
                    }
                }
            }
            processes.forEach(ChildProcess::close);
            processes.clear();
            if (o.runs("idle")) {
                idle(port);
            }
        } finally {
            processes.forEach(ChildProcess::close);
        }
        return ws;
    }

    /**
     * The idle tunnels, each measurement in a fresh process: the proxies on the contenders' JDK, then streamproxy
     * again on a JDK 21+, where the filter's pumps are virtual threads.
     */
    private void idle(int upstreamPort) throws IOException, InterruptedException {
        IdleTunnelMemory idle = new IdleTunnelMemory(o, ws, progress);
        String jdk = jdk(launcher);
        boolean virtual = Launcher.feature(jdk) >= 21;
        run.info.put("idle tunnels JDK", launcher.javaVersion() + (virtual
                ? " (the filter's pumps are virtual threads)" : " (the filter's pumps are platform threads)"));
        idle.run(proxies(true), jdk, (id, rep) -> start(launcher, "ws-idle-" + id + "-" + rep, id, upstreamPort));
        if (virtual) {
            // issue 18 asks for the blocking pumps' cost on JDK 17: say plainly that this run does not have it
            run.notes.add("idle tunnels were measured on " + jdk + " only (virtual-thread pumps): the platform-thread "
                    + "figures need the contenders on JDK 17 (--java=/usr/lib/jvm/java-17-openjdk-amd64)");
            return; // the contenders' own JDK already has virtual threads
        }
        if (o.virtualThreadJava == null) {
            run.notes.add("no JDK 21+ found (--vt-java): idle tunnels measured on platform threads only");
            return;
        }
        Launcher vt = launcher.with(o.virtualThreadJava, o.contenderFlags());
        String vtJdk = jdk(vt);
        run.info.put("idle tunnels JDK 21+", vt.javaVersion() + " (the filter's pumps are virtual threads), same flags");
        idle.run(proxies(false), vtJdk, (id, rep) -> start(vt, "ws-idle-vt-" + id + "-" + rep, id, upstreamPort));
    }

    /** The proxies asked for: streamproxy in Jetty and in Tomcat, and nginx when installed and {@code withNginx}. */
    private List<String> proxies(boolean withNginx) {
        List<String> ids = new ArrayList<>();
        for (String id : List.of(Contender.STREAMPROXY, "streamproxy-tomcat", "nginx")) {
            if (o.wants(id) && (!id.equals("nginx") || withNginx && Nginx.binary().isPresent())) {
                ids.add(id);
            }
        }
        if (withNginx && o.wants("nginx") && Nginx.binary().isEmpty()
                && !run.notes.contains(NO_NGINX)) {
            run.notes.add(NO_NGINX);
            progress.say("nginx not installed: skipped");
        }
        return ids;
    }

    private static final String NO_NGINX = "nginx is not installed here (`apt-get install nginx-light`); its rows are missing.";

    /** Starts one proxy process: streamproxy in the race's contender JVM (on {@code l}'s JDK), or nginx. */
    private Contender start(Launcher l, String logName, String id, int upstreamPort) throws IOException, InterruptedException {
        if (id.equals("nginx")) {
            Optional<Path> nginx = Nginx.binary();
            if (nginx.isEmpty()) {
                return null;
            }
            ChildProcess p = Nginx.start(nginx.get(), logName, List.of(upstreamPort), null, run.logDir);
            progress.say(logName + " listening on " + p.port());
            return new Contender(id, run.labels.get(id), p.port(), ContenderServer.PREFIX, p, false);
        }
        String container = id.equals(Contender.STREAMPROXY) ? "jetty" : "tomcat";
        ChildProcess p = l.contender(logName, upstreamPort, "streamproxy", container, "platform",
                List.of("maxConnections=" + o.poolSize), List.of());
        progress.say(logName + " (" + jdk(l) + ") listening on " + p.port() + " (admin " + p.ready().get("admin") + ")");
        return new Contender(id, run.labels.getOrDefault(id, id), p.port(), ContenderServer.PREFIX, p, true);
    }

    private void warmUp(List<Contender> contenders, Duration half) throws IOException, InterruptedException {
        for (Contender c : contenders) {
            for (EchoLoad.Size size : EchoLoad.Size.values()) {
                CellResult r = EchoLoad.run(0, c, size, 8, half, half);
                if (r.errors() > 0) {
                    progress.say("warm-up " + c.id() + " " + size.id + ": " + r.errors() + " errors, first: " + r.firstError());
                }
            }
            progress.say("warmed up " + c.id());
        }
    }

    private void cells(int rep, EchoLoad.Size size, List<Contender> contenders) throws IOException, InterruptedException {
        for (int conc : run.concurrencies) {
            for (Contender c : Race.rotate(contenders, rep + conc)) {
                CellResult r = EchoLoad.run(rep, c, size, conc, Duration.ofMillis(o.warmMs), Duration.ofMillis(o.measureMs));
                run.cells.add(r);
                progress.say(String.format(Locale.ROOT, "rep %d/%d %-15s c=%-2d %-19s %8.0f msg/s  p50 %7.3f ms  p99 %7.3f ms%s%s%s",
                        rep, o.reps, size.title, conc, c.id(), r.rps(), r.p50us() / 1000, r.p99us() / 1000,
                        Double.isNaN(r.cpuMicrosPerRequest()) ? "" : String.format(Locale.ROOT, "  %6.1f µs CPU/msg", r.cpuMicrosPerRequest()),
                        Double.isNaN(r.allocBytesPerRequest()) ? "" : String.format(Locale.ROOT, "  %7.2f KiB/msg", r.allocBytesPerRequest() / 1024),
                        r.errors() > 0 ? "  " + r.errors() + " errors: " + r.firstError() : ""));
            }
        }
    }

    /** "JDK 17.0.13" from a launcher's {@code java -version} (asked once per JDK). */
    private String jdk(Launcher l) {
        return jdks.computeIfAbsent(l.javaHome(), h -> Launcher.jdkName(l.javaVersion()));
    }
}
