package dev.streamproxy.it.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real Tomcat distribution with an application deployed, and the upstream it proxies to. A test class keeps one
 * per distribution in a {@link Deployments}, which prints every Tomcat's logs when a test fails and stops them all
 * when the class is done.
 *
 * @param tomcat   the running distribution
 * @param upstream the upstream on 127.0.0.1
 */
public record Deployment(TomcatDistribution tomcat, Upstream upstream) implements AutoCloseable {

    /** Deploys into a fresh base for {@code home}, given the upstream the application must target. */
    @FunctionalInterface
    public interface Installer {
        void install(Path base, Upstream upstream) throws Exception;
    }

    public static Deployment start(Path home, Path base, Installer installer) throws Exception {
        Upstream upstream = Upstream.start();
        try {
            TomcatDistribution tomcat = TomcatDistribution.start(home, base, b -> {
                try {
                    installer.install(b, upstream);
                } catch (Exception e) {
                    throw new IllegalStateException("could not deploy into " + b, e);
                }
            });
            return new Deployment(tomcat, upstream);
        } catch (Exception | Error e) {
            upstream.close();
            throw e;
        }
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + tomcat.port() + pathAndQuery);
    }

    public RawResponse send(RawRequest request) throws Exception {
        try (ClientConnection c = ClientConnection.open(tomcat.port())) {
            return c.send(request).readResponse(request.method());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            tomcat.close();
        } finally {
            upstream.close();
        }
    }

    /** The running deployments of one test class, by distribution. Register as a static extension: it
     * prints the logs of every running Tomcat when a test fails, and stops them all after the class. */
    public static final class Deployments implements TestWatcher, AfterAllCallback {
        private final String name;
        private final Installer installer;
        private final Map<Path, Deployment> running = new LinkedHashMap<>();

        public Deployments(String name, Installer installer) {
            this.name = name;
            this.installer = installer;
        }

        /** @return the deployment on {@code home}, started on first use */
        public synchronized Deployment on(Path home) throws Exception {
            Deployment d = running.get(home);
            if (d == null) {
                Path base = Path.of(System.getProperty("streamproxy.it.tomcat.bases", "target/tomcat-bases"))
                        .resolve(name + "-" + TomcatDistribution.version(home));
                d = start(home, base, installer);
                running.put(home, d);
            }
            return d;
        }

        @Override
        public synchronized void testFailed(ExtensionContext context, Throwable cause) {
            for (Deployment d : running.values()) {
                System.out.println("===== logs of " + d.tomcat() + " after " + context.getDisplayName() + " failed");
                System.out.println(d.tomcat().logs());
            }
        }

        /** Stops every Tomcat the class started, whatever the tests did. */
        @Override
        public synchronized void afterAll(ExtensionContext context) throws Exception {
            Exception first = null;
            for (Deployment d : running.values()) {
                try {
                    d.close();
                } catch (Exception e) {
                    first = first == null ? e : first;
                }
            }
            running.clear();
            if (first != null) {
                throw first;
            }
        }
    }
}
