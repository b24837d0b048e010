package dev.streamproxy.example.demo;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;

/**
 * The README's first command: starts the demo upstream and the example WAR, prints what to try, runs until Ctrl-C.
 *
 * <pre>
 * mvn -q -pl example-webapp -am -Pdemo -DskipTests verify
 * </pre>
 *
 * Ports: {@code -Ddemo.port} (8080) for the app, {@code -Ddemo.upstreamPort} (9090) for the upstream.
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
        String expectedSha256 = DemoContent.sha256(DemoContent.parseSize(Demo.DOWNLOAD_SIZE));

        Demo demo;
        try {
            demo = Demo.start(Path.of(args[0]), appPort, upstreamPort);
        } catch (IOException e) {
            if (!isBindFailure(e)) {
                throw e;
            }
            fail(e.getMessage() + ": the demo needs 127.0.0.1:" + appPort + " for the app and 127.0.0.1:"
                    + upstreamPort + " for its upstream.\n"
                    + "Is another demo still running? Stop it, or pick free ports, e.g.:\n  "
                    + COMMAND + " -Ddemo.port=8081 -Ddemo.upstreamPort=9091");
            return;
        }

        String up = "http://" + Demo.HOST + ":" + demo.upstreamPort();
        System.out.println();
        System.out.println("streamproxy demo is running (Jetty " + Demo.jettyVersion() + ", ee10, Java "
                + Runtime.version().feature() + ")");
        System.out.println("  example webapp   " + demo.appUrl() + "/   (the example WAR, as built)");
        System.out.println("  demo upstream    " + up + "/   (echo, download, events)");
        System.out.println("  route api        " + demo.appUrl() + "/api/*    -> " + up + "/v1/*");
        System.out.println("  route legacy     " + demo.appUrl() + "/legacy/* -> " + up + "/legacy-app/*");
        System.out.println();
        System.out.println("Try, in another terminal:");
        for (String line : demo.curlLines(expectedSha256)) {
            System.out.println("  " + line);
        }
        System.out.println();
        System.out.println("Press Ctrl-C to stop.");
        demo.join();
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
