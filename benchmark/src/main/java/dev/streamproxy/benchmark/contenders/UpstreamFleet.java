package dev.streamproxy.benchmark.contenders;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.streamproxy.benchmark.servers.Upstream;

/**
 * Several upstream processes for one route, each on a port that stays the same when it is killed and started again,
 * each recording the {@link Upstream#ID_HEADER} of every request that reaches it in its own request log
 * ({@code upstream-N.ids} in the log directory, appended to across restarts).
 */
public final class UpstreamFleet implements AutoCloseable {

    private final Launcher launcher;
    private final Path logDir;
    private final ChildProcess[] processes;
    private final int[] ports;

    private UpstreamFleet(Launcher launcher, Path logDir, int size) {
        this.launcher = launcher;
        this.logDir = logDir;
        this.processes = new ChildProcess[size];
        this.ports = new int[size];
    }

    /** Starts {@code size} upstreams on ports of their own choosing. */
    public static UpstreamFleet start(Launcher launcher, Path logDir, int size) throws IOException {
        UpstreamFleet fleet = new UpstreamFleet(launcher, logDir, size);
        try {
            for (int i = 0; i < size; i++) {
                Files.deleteIfExists(fleet.requestLog(i));
                fleet.processes[i] = launcher.upstream(fleet.name(i), List.of("0", fleet.requestLog(i).toString()));
                fleet.ports[i] = fleet.processes[i].port();
            }
        } catch (IOException | RuntimeException e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    public int size() {
        return ports.length;
    }

    public int port(int i) {
        return ports[i];
    }

    /** Every port, in order. */
    public List<Integer> ports() {
        List<Integer> out = new ArrayList<>();
        for (int p : ports) {
            out.add(p);
        }
        return out;
    }

    /** A short name for upstream {@code i} in reports: A, B, C, ... */
    public static String letter(int i) {
        return String.valueOf((char) ('A' + i));
    }

    /** Kills upstream {@code i} with SIGKILL, as a crash would. */
    public void kill(int i) throws InterruptedException {
        processes[i].kill();
    }

    public boolean alive(int i) {
        return processes[i] != null && processes[i].alive();
    }

    /** Starts upstream {@code i} again, on its old port, when it is not running. */
    public void restart(int i) throws IOException {
        if (alive(i)) {
            return;
        }
        processes[i] = launcher.upstream(name(i), List.of(Integer.toString(ports[i]), requestLog(i).toString()));
    }

    /** How many requests each upstream has received since it (last) started; -1 for one not answering. */
    public long[] requestCounts() {
        long[] counts = new long[ports.length];
        for (int i = 0; i < ports.length; i++) {
            counts[i] = requestCount(ports[i]);
        }
        return counts;
    }

    /** The request ids upstream {@code i} has recorded that start with {@code prefix}. */
    public Set<String> idsReceived(int i, String prefix) throws IOException {
        Set<String> ids = new HashSet<>();
        Path log = requestLog(i);
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log, StandardCharsets.US_ASCII)) {
                if (line.startsWith(prefix)) {
                    ids.add(line);
                }
            }
        }
        return ids;
    }

    private static long requestCount(int port) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/svc/requests").toURL()
                    .openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII))) {
                String line = r.readLine();
                return line != null && line.startsWith("requests=") ? Long.parseLong(line.substring(9).trim()) : -1;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private String name(int i) {
        return "upstream-" + letter(i);
    }

    private Path requestLog(int i) {
        return logDir.resolve(name(i) + ".ids").toAbsolutePath();
    }

    @Override
    public void close() {
        for (ChildProcess p : processes) {
            if (p != null) {
                p.close();
            }
        }
    }
}
