package dev.streamproxy.it.tunnel;

import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.support.HostMatrix;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;

/**
 * Runs each {@link TunnelTest} once per enabled {@link HostKind} against a {@link TunnelApp}; after each run no
 * tunnel, pump thread, upstream WebSocket connection or leased pooled connection may be left
 * ({@link TunnelApp#awaitNoTunnelLeft}).
 */
public final class TunnelMatrix extends HostMatrix<TunnelApp> {

    /** How long the tunnels of a test may take to be gone once the test is done with them. */
    static final Duration QUIET_DEADLINE = Duration.ofSeconds(10);

    public TunnelMatrix() {
        super(TunnelTest.class, TunnelApp.class, "tunnel application");
    }

    @Override
    public boolean mayReturnZeroTestTemplateInvocationContexts(ExtensionContext context) {
        return true;
    }

    @Override
    protected TunnelApp start(ExtensionContext classContext, HostKind kind) throws Exception {
        return TunnelApp.start(kind);
    }

    @Override
    protected void afterEach(TunnelApp app) {
        try {
            app.awaitNoTunnelLeft(QUIET_DEADLINE);
        } finally {
            app.upstream().reset();
            app.ws().reset();
        }
    }
}
