package dev.streamproxy.it.upstream;

import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.support.HostMatrix;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;

/**
 * Runs each {@link FleetTest} once per enabled {@link HostKind} (the hosts named by {@code streamproxy.it.hosts}, as
 * for the container and fault matrices), against a {@link FleetApp} started on first use and shared by one test
 * class. Before each run the whole fleet is reset (not only the first upstream); after it, {@link FleetApp#awaitQuiet}
 * checks every target of every route, so a connection leaked on the second or third target (or on one that drained
 * away) fails the test that leaked it.
 */
public final class FleetMatrix extends HostMatrix<FleetApp> {

    /** How long the pools, targets and request threads may take to settle after a test. */
    static final Duration QUIET_DEADLINE = Duration.ofSeconds(10);

    public FleetMatrix() {
        super(FleetTest.class, FleetApp.class, "fleet application");
    }

    /** A JVM that runs no embedded host (the real-Tomcat execution, when selected by name) runs no fleet test. */
    @Override
    public boolean mayReturnZeroTestTemplateInvocationContexts(ExtensionContext context) {
        return true;
    }

    @Override
    protected FleetApp start(ExtensionContext classContext, HostKind kind) throws Exception {
        return FleetApp.start(kind);
    }

    @Override
    protected void beforeEach(FleetApp app) {
        app.resetFleet();
    }

    @Override
    protected void afterEach(FleetApp app) {
        try {
            app.awaitQuiet(QUIET_DEADLINE);
        } finally {
            app.resetFleet();
        }
    }
}
