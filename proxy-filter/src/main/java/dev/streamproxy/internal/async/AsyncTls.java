package dev.streamproxy.internal.async;

import dev.streamproxy.internal.client.Connector;
import dev.streamproxy.internal.client.TlsContext;
import org.apache.hc.core5.http.nio.ssl.BasicClientTlsStrategy;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import java.util.List;

/**
 * The route's TLS for non-blocking connections: HttpCore's client strategy over the route's context, set up as the
 * blocking connector does it: the server's certificate checked against the target's host name (always: a proxy
 * that does not check whom it talks to forwards credentials to anyone), SNI for a name, the configured protocols.
 */
final class AsyncTls {

    private AsyncTls() {
    }

    /** @return the strategy, or null when no target is {@code https} */
    static TlsStrategy strategy(TlsContext tls) {
        if (tls == null) {
            return null;
        }
        return new BasicClientTlsStrategy(tls.context(), (endpoint, engine) -> {
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            if (!Connector.isIpLiteral(endpoint.getHostName())) {
                params.setServerNames(List.of(new SNIHostName(endpoint.getHostName())));
            }
            if (tls.protocols() != null) {
                params.setProtocols(tls.protocols());
            }
            engine.setSSLParameters(params);
        }, null);
    }
}
