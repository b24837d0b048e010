package dev.streamproxy.example.demo;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The README's first command: starts the two demo upstreams and the example WAR, prints what to try, runs until
 * Ctrl-C.
 *
 * <pre>
 * mvn -q -pl example-webapp -am -Pdemo -DskipTests verify
 * </pre>
 *
 * Ports: {@code -Ddemo.port} (8080) for the app, {@code -Ddemo.upstreamPort} (9090) and {@code -Ddemo.upstreamPort2}
 * (9091) for the upstreams.
 */
public final class DemoMain {

    private static final String COMMAND = "mvn -q -pl example-webapp -am -Pdemo -DskipTests verify";

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            fail("usage: DemoMain <example-webapp.war or exploded webapp dir>; normally started by: " + COMMAND);
        }
        int appPort = Integer.getInteger("demo.port", 8080);
        int upstreamPort = Integer.getInteger("demo.upstreamPort", Demo.DEFAULT_UPSTREAM_PORT);
        int upstreamPort2 = Integer.getInteger("demo.upstreamPort2", Demo.DEFAULT_UPSTREAM_PORT2);
        String expectedSha256 = DemoContent.sha256(DemoContent.parseSize(Demo.DOWNLOAD_SIZE));

        Demo demo;
        try {
            demo = Demo.start(Path.of(args[0]), appPort, upstreamPort, upstreamPort2);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
            return;
        } catch (IOException e) {
            if (!isBindFailure(e)) {
                throw e;
            }
            fail(e.getMessage() + ": the demo needs 127.0.0.1:" + appPort + " for the app and 127.0.0.1:"
                    + upstreamPort + " and 127.0.0.1:" + upstreamPort2 + " for its upstreams.\n"
                    + "Is another demo still running? Stop it, or pick free ports, e.g.:\n  "
                    + COMMAND + " -Ddemo.port=8081 -Ddemo.upstreamPort=9092 -Ddemo.upstreamPort2=9093");
            return;
        }

        System.out.println();
        System.out.println("streamproxy demo is running (Jetty " + Demo.jettyVersion() + ", ee10, Java "
                + Runtime.version().feature() + ")");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"example webapp", demo.appUrl() + "/", "(the example WAR, as built)"});
        rows.add(new String[] {"demo upstream", upstreamUrl(demo.upstreamPort()), "(echo, download, events, whoami, ws)"});
        rows.add(new String[] {"demo upstream", upstreamUrl(demo.upstreamPort2()), "(the same service, another port)"});
        for (Demo.Route route : demo.routes()) {
            String targets = route.targets().stream().map(t -> t + "/*").collect(Collectors.joining(", "));
            if (route.targets().size() > 1) {
                targets += " (" + (route.loadBalancing() == null ? "least-in-flight" : route.loadBalancing()) + ")";
            }
            rows.add(new String[] {"route " + route.name(), demo.appUrl() + route.pathSpec(), "-> " + targets});
        }
        int width = rows.stream().mapToInt(row -> row[1].length()).max().orElse(0);
        for (String[] row : rows) {
            System.out.printf("  %-16s %-" + width + "s %s%n", row[0], row[1], row[2]);
        }
        System.out.println();
        System.out.println("Try, in another terminal:");
        for (String line : demo.curlLines(expectedSha256)) {
            System.out.println("  " + line);
        }
        System.out.println();
        System.out.println("Press Ctrl-C to stop.");
        demo.join();
    }

    private static String upstreamUrl(int port) {
        return "http://" + Demo.HOST + ":" + port + "/";
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static void fail(String message) {
        System.err.println("streamproxy demo: " + message);
        System.exit(1);
    }
}
