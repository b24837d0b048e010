package dev.streamproxy.it.tls;

import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.support.HostMatrix;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;

/** Runs each {@link TlsTest} once per enabled {@link HostKind} against a {@link TlsApp}; after each, the leak check. */
public final class TlsMatrix extends HostMatrix<TlsApp> {

    public TlsMatrix() {
        super(TlsTest.class, TlsApp.class, "TLS application");
    }

    @Override
    protected TlsApp start(ExtensionContext classContext, HostKind kind) throws Exception {
        return TlsApp.start(kind);
    }

    @Override
    protected void afterEach(TlsApp app) {
        try {
            app.awaitNoLeasedConnections(Duration.ofSeconds(5));
        } finally {
            app.upstream().reset();
        }
    }
}
