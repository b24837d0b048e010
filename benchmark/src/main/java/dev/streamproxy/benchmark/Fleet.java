package dev.streamproxy.benchmark;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.streamproxy.benchmark.contenders.ChildProcess;
import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.contenders.Launcher;
import dev.streamproxy.benchmark.contenders.Nginx;
import dev.streamproxy.benchmark.contenders.UpstreamFleet;
import dev.streamproxy.benchmark.load.CellResult;
import dev.streamproxy.benchmark.load.LoadRunner;
import dev.streamproxy.benchmark.load.Scenario;
import dev.streamproxy.benchmark.report.FleetRecord;
import dev.streamproxy.benchmark.report.RunRecord;
import dev.streamproxy.benchmark.servers.ContenderServer;

/**
 * {@code --fleet}: one route over three upstream processes. First the overhead: streamproxy (Jetty) with one target
 * and with the three under each load-balancing policy, nginx with one server and with the three under
 * {@code least_conn}, interleaved like the race, on the 1 KiB GET and the 1 MiB POST at 16 clients; each three-target
 * figure is later divided by its own one-target baseline of the same repetition. Then the {@link Failover} runs.
 */
final class Fleet {

    /** Concurrent clients in every cell and failover loop. */
    static final int CLIENTS = 16;
    static final List<Scenario> SCENARIOS = List.of(Scenario.GET_1K, Scenario.POST_1M);

    static final String STREAMPROXY_ONE = "streamproxy-1";
    static final String NGINX_ONE = "nginx-1";
    static final String NGINX_THREE = "nginx-least-conn";
    /** The policies raced, in order; the first is the default and the one the failover runs use. */
    static final List<String> POLICIES = List.of("least-in-flight", "round-robin", "random");

    private final Options o;
    private final RunRecord run;
    private final Launcher launcher;
    private final Progress progress;
    private final FleetRecord fleet = new FleetRecord();

    Fleet(Options o, RunRecord run, Launcher launcher, Progress progress) {
        this.o = o;
        this.run = run;
        this.launcher = launcher;
        this.progress = progress;
    }

    static String threeTargets(String policy) {
        return "streamproxy-" + policy;
    }

    FleetRecord run() throws IOException, InterruptedException {
        List<ChildProcess> processes = new ArrayList<>();
        try (UpstreamFleet upstreams = UpstreamFleet.start(launcher, run.logDir, o.fleetSize)) {
            for (int i = 0; i < upstreams.size(); i++) {
                fleet.upstreams.add(UpstreamFleet.letter(i));
                progress.say("upstream " + UpstreamFleet.letter(i) + " listening on " + upstreams.port(i));
            }
            List<Contender> contenders = start(upstreams, processes);
            contenders.forEach(c -> run.contenders.add(c.id()));
            warmUp(contenders);
            overhead(contenders, upstreams);
            List<Contender> failover = contenders.stream()
                    .filter(c -> c.id().equals(threeTargets(POLICIES.get(0))) || c.id().equals(NGINX_THREE)).toList();
            if (o.failoverReps > 0 && !failover.isEmpty()) {
                new Failover(o, fleet, progress, upstreams).run(failover);
            }
        } finally {
            processes.forEach(ChildProcess::close);
        }
        return fleet;
    }

    private List<Contender> start(UpstreamFleet upstreams, List<ChildProcess> processes)
            throws IOException, InterruptedException {
        List<Contender> cs = new ArrayList<>();
        List<String> pool = List.of("maxConnections=" + o.poolSize);
        if (o.wants(STREAMPROXY_ONE)) {
            cs.add(streamproxy(STREAMPROXY_ONE, "streamproxy (Jetty 12), 1 target", List.of(upstreams.port(0)), pool, processes));
        }
        for (String policy : POLICIES) {
            String id = threeTargets(policy);
            if (o.wants(id)) {
                List<String> args = new ArrayList<>(pool);
                args.add("loadBalancing=" + policy);
                cs.add(streamproxy(id, "streamproxy (Jetty 12), " + upstreams.size() + " targets, " + policy,
                        upstreams.ports(), args, processes));
                fleet.baselines.put(id, STREAMPROXY_ONE);
            }
        }
        Optional<Path> nginx = Nginx.binary();
        if (nginx.isEmpty()) {
            run.notes.add("nginx is not installed here (`apt-get install nginx-light`); its rows are missing.");
            progress.say("nginx not installed: skipped");
            return cs;
        }
        if (o.wants(NGINX_ONE)) {
            cs.add(nginx(nginx.get(), NGINX_ONE, "nginx, 1 server", List.of(upstreams.port(0)), null, processes));
        }
        if (o.wants(NGINX_THREE)) {
            cs.add(nginx(nginx.get(), NGINX_THREE, "nginx, " + upstreams.size() + " servers, least_conn",
                    upstreams.ports(), "least_conn", processes));
            fleet.baselines.put(NGINX_THREE, NGINX_ONE);
        }
        return cs;
    }

    private Contender streamproxy(String id, String label, List<Integer> ports, List<String> args,
                                  List<ChildProcess> processes) throws IOException {
        ChildProcess p = launcher.contender(id, ports, "streamproxy", "jetty", "platform", args, List.of());
        processes.add(p);
        run.labels.put(id, label);
        progress.say(id + " listening on " + p.port() + " (admin " + p.ready().get("admin") + "), upstreams " + ports);
        return new Contender(id, label, p.port(), ContenderServer.PREFIX, p, true);
    }

    private Contender nginx(Path binary, String id, String label, List<Integer> ports, String balancing,
                            List<ChildProcess> processes) throws IOException, InterruptedException {
        ChildProcess p = Nginx.start(binary, id, ports, balancing, run.logDir);
        processes.add(p);
        run.labels.put(id, label);
        progress.say(id + " listening on " + p.port() + ", upstreams " + ports);
        return new Contender(id, label, p.port(), ContenderServer.PREFIX, p, false);
    }

    private void warmUp(List<Contender> contenders) throws IOException, InterruptedException {
        Duration half = Duration.ofMillis(o.initialWarmMs / 2);
        for (Contender c : contenders) {
            for (Scenario s : SCENARIOS) {
                CellResult r = LoadRunner.run(0, c, s, 8, half, half);
                if (r.errors() > 0) {
                    progress.say("warm-up " + c.id() + " " + s.id + ": " + r.errors() + " errors, first: " + r.firstError());
                }
            }
            progress.say("warmed up " + c.id());
        }
    }

    private void overhead(List<Contender> contenders, UpstreamFleet upstreams) throws IOException, InterruptedException {
        for (int rep = 1; rep <= o.reps; rep++) {
            for (Scenario s : SCENARIOS) {
                for (Contender c : Race.rotate(contenders, rep)) {
                    long[] before = upstreams.requestCounts();
                    CellResult r = LoadRunner.run(rep, c, s, CLIENTS, Duration.ofMillis(o.warmMs), Duration.ofMillis(o.measureMs));
                    long[] after = upstreams.requestCounts();
                    long[] got = new long[after.length];
                    for (int i = 0; i < got.length; i++) {
                        got[i] = before[i] < 0 || after[i] < 0 ? -1 : after[i] - before[i];
                    }
                    fleet.cells.add(new FleetRecord.Cell(r, got));
                    progress.say(String.format(Locale.ROOT, "rep %d/%d %-10s c=%d %-28s %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms  per upstream %s%s",
                            rep, o.reps, s.title, CLIENTS, c.id(), r.rps(), r.p50us() / 1000, r.p99us() / 1000,
                            Arrays.toString(got), r.errors() > 0 ? "  " + r.errors() + " errors: " + r.firstError() : ""));
                }
            }
        }
    }
}
