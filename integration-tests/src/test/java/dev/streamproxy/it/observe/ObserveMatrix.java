package dev.streamproxy.it.observe;

import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.support.HostMatrix;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;

/**
 * Runs each {@link ObserveTest} once per enabled {@link HostKind} against an {@link ObserveApp} started on first use
 * and shared by one test class. After each run every pool must be back to zero leased connections (polled with a
 * deadline), and the upstream is reset even when that check fails.
 */
public final class ObserveMatrix extends HostMatrix<ObserveApp> {

    static final Duration QUIET_DEADLINE = Duration.ofSeconds(10);

    public ObserveMatrix() {
        super(ObserveTest.class, ObserveApp.class, "observability application");
    }

    /** A JVM that runs no embedded host (the real-Tomcat execution) runs no matrix test. */
    @Override
    public boolean mayReturnZeroTestTemplateInvocationContexts(ExtensionContext context) {
        return true;
    }

    @Override
    protected ObserveApp start(ExtensionContext classContext, HostKind kind) throws Exception {
        return ObserveApp.start(kind);
    }

    @Override
    protected void afterEach(ObserveApp app) {
        try {
            app.awaitNoLeasedConnections(QUIET_DEADLINE);
        } finally {
            app.upstream().reset();
        }
    }
}
