package dev.streamproxy.benchmark.contenders;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.streamproxy.benchmark.servers.Admin;

/**
 * A process the harness started (a contender JVM, the upstream, nginx). Its output goes to a log file; the first
 * line starting with {@code READY} is parsed into {@link #ready()} key/values. Closing it ends the process (and,
 * for nginx, its workers) by pid.
 */
public final class ChildProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Map<String, String> ready;

    /** Every process started, so that an interrupted run (Ctrl-C) leaves none behind. */
    private static final List<Process> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : STARTED) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }, "kill-children"));
    }

    private ChildProcess(String name, Process process, Map<String, String> ready) {
        this.name = name;
        this.process = process;
        this.ready = ready;
    }

    static ChildProcess start(String name, List<String> command, Path log, boolean waitForReady, Duration timeout)
            throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Process p = pb.start();
        STARTED.add(p);
        CompletableFuture<Map<String, String>> readyLine = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                w.println("# " + String.join(" ", command));
                String line;
                while ((line = r.readLine()) != null) {
                    w.println(line);
                    if (!readyLine.isDone() && line.startsWith("READY")) {
                        Map<String, String> kv = new HashMap<>();
                        for (String part : line.substring(5).trim().split("\\s+")) {
                            int eq = part.indexOf('=');
                            if (eq > 0) {
                                kv.put(part.substring(0, eq), part.substring(eq + 1));
                            }
                        }
                        readyLine.complete(kv);
                    }
                }
            } catch (IOException e) {
                readyLine.completeExceptionally(e);
            }
            readyLine.completeExceptionally(new IOException(name + " exited before READY; see " + log));
        }, "pump-" + name);
        pump.setDaemon(true);
        pump.start();
        Map<String, String> kv = Map.of();
        if (waitForReady) {
            try {
                kv = readyLine.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
                throw new IOException(name + " did not become ready within " + timeout + "; see " + log, e);
            }
        }
        return new ChildProcess(name, p, kv);
    }

    /** The same process, known to listen on {@code port} (for processes that print no READY line). */
    ChildProcess withPort(int port) {
        return new ChildProcess(name, process, Map.of("port", Integer.toString(port)));
    }

    String name() {
        return name;
    }

    public Map<String, String> ready() {
        return ready;
    }

    public int port() {
        return Integer.parseInt(ready.get("port"));
    }

    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The pids of this process and its live descendants (nginx workers). */
    List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(process.pid());
        process.descendants().forEach(h -> pids.add(h.pid()));
        return pids;
    }

    /** CPU time (user + system) of the process tree so far, from /proc, in nanoseconds. */
    public long cpuNanos() {
        long ticks = 0;
        for (long pid : pids()) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            } catch (IOException | RuntimeException e) {
                // process gone or not Linux
            }
        }
        return ticks * 10_000_000L; // USER_HZ = 100
    }

    /** Resident memory of the process tree now (VmRSS of the process and its live descendants), from /proc, in bytes. */
    public long rssBytes() {
        long kib = 0;
        for (long pid : pids()) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        kib += Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // process gone or not Linux
            }
        }
        return kib * 1024;
    }

    /** Open file descriptors (sockets included) of the process tree now, from /proc. */
    public long openFiles() {
        long n = 0;
        for (long pid : pids()) {
            try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                n += fds.count();
            } catch (IOException | RuntimeException e) {
                // process gone or not Linux
            }
        }
        return n;
    }

    /** Context switches (voluntary + involuntary) of every thread of the process tree so far, from /proc. */
    public long contextSwitches() {
        long n = 0;
        for (long pid : pids()) {
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        for (String line : Files.readAllLines(task.resolve("status"))) {
                            if (line.startsWith("voluntary_ctxt_switches") || line.startsWith("nonvoluntary_ctxt_switches")) {
                                n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        // thread ended meanwhile
                    }
                }
            } catch (IOException | RuntimeException e) {
                // process gone or not Linux
            }
        }
        return n;
    }

    /** Calls the contender's admin endpoint ({@link Admin}); empty when it has none. */
    public Map<String, Long> admin(String path) throws IOException {
        String port = ready.get("admin");
        if (port == null) {
            return Map.of();
        }
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(20_000);
        Map<String, Long> kv = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    kv.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1).trim()));
                }
            }
        }
        return kv;
    }

    /** Ends the process at once with SIGKILL, as a crash would (no shutdown hooks, sockets reset by the kernel). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " survived SIGKILL for 10 s");
        }
    }

    @Override
    public void close() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle h : tree) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
    }
}
