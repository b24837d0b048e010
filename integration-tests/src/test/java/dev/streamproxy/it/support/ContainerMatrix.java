package dev.streamproxy.it.support;

import dev.streamproxy.it.host.HostKind;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.List;

/**
 * Runs each {@link ContainerTest} once per enabled {@link HostKind}, the way Jetty's proxy tests run every case
 * against each implementation. The {@link ProxiedApp} of a host is started on first use and shared by the tests of
 * one class; JUnit closes it when the class is done. What differs from the fault matrix: the test class's
 * {@link Route}s, and after each run only the leak check.
 */
public final class ContainerMatrix extends HostMatrix<ProxiedApp> {

    /** How long a pool may take to see the release of a connection after the client got its response. */
    static final Duration RELEASE_DEADLINE = Duration.ofSeconds(5);

    public ContainerMatrix() {
        super(ContainerTest.class, ProxiedApp.class, "application");
    }

    /** A JVM that runs no embedded host (the real-Tomcat execution) runs no matrix test. */
    @Override
    public boolean mayReturnZeroTestTemplateInvocationContexts(ExtensionContext context) {
        return true;
    }

    @Override
    protected ProxiedApp start(ExtensionContext classContext, HostKind kind) throws Exception {
        List<Route> routes = classContext.getTestClass()
                .map(c -> List.of(c.getAnnotationsByType(Route.class))).orElse(List.of());
        return ProxiedApp.start(kind, routes);
    }

    @Override
    protected void afterEach(ProxiedApp app) {
        app.awaitNoLeasedConnections(RELEASE_DEADLINE);
        app.upstream().reset();
    }
}
