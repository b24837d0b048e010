package dev.streamproxy.it.fault;

import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.support.HostMatrix;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;

/**
 * Runs each {@link FaultTest} once per enabled {@link HostKind} (the same hosts as the container matrix, named by
 * {@code streamproxy.it.hosts}), against a {@link FaultApp} started on first use and shared by one test class.
 * What differs from the container matrix: after each run, besides the leak check, no request thread may be left
 * inside the proxy, and the upstream is reset even when a check fails.
 */
public final class FaultMatrix extends HostMatrix<FaultApp> {

    /** How long the pool and the request threads may take to settle after a fault. */
    static final Duration QUIET_DEADLINE = Duration.ofSeconds(10);

    public FaultMatrix() {
        super(FaultTest.class, FaultApp.class, "fault application");
    }

    @Override
    protected FaultApp start(ExtensionContext classContext, HostKind kind) throws Exception {
        return FaultApp.start(kind);
    }

    @Override
    protected void afterEach(FaultApp app) {
        try {
            app.awaitQuiet(QUIET_DEADLINE);
        } finally {
            app.upstream().reset();
        }
    }
}
