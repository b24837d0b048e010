package dev.streamproxy.internal.client;

import dev.streamproxy.HostResolver;
import org.apache.hc.core5.http.config.Http1Config;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * Opens upstream connections: TCP with the route's connect timeout, then TLS for {@code https} with the route's
 * trust material and protocols, SNI set to the configured host name, and the JDK's HTTPS hostname verification
 * always on. Pooled exchanges and upgraded tunnels both connect through here, so they share every setting.
 */
public final class Connector {

    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final TlsContext tls;
    private final Http1Config http1Config;
    private final HostResolver resolver;

    /**
     * @param connectTimeout TCP connect and TLS handshake, each
     * @param readTimeout    the socket timeout of the connection once open ({@code responseTimeout})
     * @param tls            trust, key material and protocols for {@code https}
     * @param http1Config    HttpCore's buffer and limit settings
     * @param resolver       the route's resolver, for an endpoint whose name had no address when it was made
     */
    public Connector(Duration connectTimeout, Duration readTimeout, TlsContext tls, Http1Config http1Config,
                     HostResolver resolver) {
        this.resolver = resolver;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        this.readTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
        this.tls = tls;
        this.http1Config = http1Config;
    }

    /**
     * @param endpoint where to connect; without a fixed address each address of the name is tried in turn
     * @return an open connection, TLS handshake done
     * @throws UpstreamConnectException when no address could be connected to; nothing was sent
     */
    public UpstreamConnection open(Endpoint endpoint) throws UpstreamConnectException {
        InetAddress[] addresses;
        if (endpoint.address() != null) {
            addresses = new InetAddress[] {endpoint.address()};
        } else {
            try {
                addresses = resolver.resolve(endpoint.hostName()); // the route's, never the JVM's behind its back
            } catch (UnknownHostException e) {
                throw new UpstreamConnectException(endpoint, "unknown host", e);
            }
        }
        UpstreamConnectException last = null;
        for (InetAddress address : addresses) {
            try {
                return open(endpoint, address);
            } catch (UpstreamConnectException e) {
                if (e.isTlsFailure()) {
                    throw e; // the certificate will not get better at the next address
                }
                last = e;
            }
        }
        throw last;
    }

    private UpstreamConnection open(Endpoint endpoint, InetAddress address) throws UpstreamConnectException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(new InetSocketAddress(address, endpoint.port()), connectTimeoutMillis);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UpstreamConnectException(endpoint, address, e);
        }
        SSLSocket secure = null;
        try {
            if (endpoint.tls()) {
                secure = handshake(socket, endpoint);
            }
            socket.setSoTimeout(readTimeoutMillis);
            return new UpstreamConnection(endpoint, socket, secure, http1Config);
        } catch (IOException | RuntimeException e) {
            closeQuietly(secure);
            closeQuietly(socket);
            throw new UpstreamConnectException(endpoint, address, e);
        }
    }

    private SSLSocket handshake(Socket socket, Endpoint endpoint) throws IOException {
        SSLSocketFactory factory = tls.socketFactory();
        SSLSocket secure = (SSLSocket) factory.createSocket(socket, endpoint.hostName(), endpoint.port(), true);
        SSLParameters params = secure.getSSLParameters();
        // on, always: a proxy that does not check whom it talks to forwards credentials to anyone
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(endpoint.hostName())) {
            params.setServerNames(List.of(new SNIHostName(endpoint.hostName())));
        }
        if (tls.protocols() != null) {
            params.setProtocols(tls.protocols());
        }
        secure.setSSLParameters(params);
        socket.setSoTimeout(connectTimeoutMillis);
        try {
            secure.startHandshake();
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("TLS handshake timed out");
        }
        return secure;
    }

    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing was exchanged on it
            }
        }
    }
}
