package dev.streamproxy.it.tls;

import dev.streamproxy.testing.TestCertificates;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real TLS upstream: embedded Jetty 12 (core, no servlets) on 127.0.0.1 with an ephemeral port, serving one
 * certificate from {@link TestCertificates} and answering every request 200 with {@link #BODY}, the negotiated
 * protocol in {@code X-Tls-Protocol} and the client certificate's subject (or {@code none}) in
 * {@code X-Client-Certificate}. Requests are counted, so a test can tell that none got through a failed handshake.
 */
final class TlsUpstream implements AutoCloseable {

    static final String BODY = "hello over TLS\n";

    private final Server server;
    private final ServerConnector connector;
    private final AtomicInteger requests = new AtomicInteger();

    private TlsUpstream(Path keyStore, Consumer<SslContextFactory.Server> settings) throws Exception {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keyStore.toString());
        tls.setKeyStorePassword(TestCertificates.PASSWORD);
        tls.setKeyStoreType("PKCS12");
        settings.accept(tls);
        HttpConfiguration http = new HttpConfiguration();
        // no SNI host check here: checking the name is the proxy's job, and what is under test
        http.addCustomizer(new SecureRequestCustomizer(false));
        server = new Server();
        connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                requests.incrementAndGet();
                EndPoint.SslSessionData session =
                        (EndPoint.SslSessionData) request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
                X509Certificate[] client = session == null ? null : session.peerCertificates();
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                response.getHeaders().put("X-Tls-Protocol", session == null ? "none"
                        : session.sslSession().getProtocol());
                response.getHeaders().put("X-Client-Certificate", client == null || client.length == 0 ? "none"
                        : client[0].getSubjectX500Principal().getName());
                response.write(true, ByteBuffer.wrap(BODY.getBytes(StandardCharsets.US_ASCII)), callback);
                return true;
            }
        });
        server.start();
    }

    /**
     * @param keyStore the server's key and chain (a PKCS12 store of {@link TestCertificates})
     * @param settings anything more: client authentication, protocols
     */
    static TlsUpstream start(Path keyStore, Consumer<SslContextFactory.Server> settings) throws Exception {
        return new TlsUpstream(keyStore, settings);
    }

    /** @return {@code https://localhost:<port><path>}: the name the certificates are made for */
    String uri(String path) {
        return "https://localhost:" + connector.getLocalPort() + path;
    }

    /** @return requests answered so far */
    int requests() {
        return requests.get();
    }

    /** Stops the server; a failure to stop is an unchecked exception. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the TLS upstream did not stop cleanly", e);
        }
    }
}
