package dev.streamproxy.internal.client;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * Where one upstream connection goes: the scheme, the host name the target is known by (sent as TLS SNI and checked
 * against the server's certificate), the port, and optionally the one address to connect to. Without an address
 * the name is resolved at connect time and each of its addresses is tried in turn.
 *
 * <p>The pool keys connections by endpoint, so two endpoints are equal exactly when a connection made for one may
 * serve the other.
 */
public final class Endpoint {

    private final boolean tls;
    private final String hostName;
    private final int port;
    private final InetAddress address;
    private final int hash;

    /**
     * @param scheme   {@code http} or {@code https}
     * @param hostName the configured host: a DNS name or an IP literal (IPv6 without brackets)
     * @param port     the port, 1 to 65535
     * @param address  the address to connect to, or null to resolve {@code hostName} at connect time
     */
    public Endpoint(String scheme, String hostName, int port, InetAddress address) {
        this.tls = "https".equals(scheme.toLowerCase(Locale.ROOT));
        this.hostName = hostName;
        this.port = port;
        this.address = address;
        this.hash = Objects.hash(tls, hostName.toLowerCase(Locale.ROOT), port, address);
    }

    /** @return true for {@code https} */
    public boolean tls() {
        return tls;
    }

    /** @return the configured host name or IP literal */
    public String hostName() {
        return hostName;
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /** @return the fixed address, or null when the name is resolved at connect time */
    public InetAddress address() {
        return address;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && e.tls == tls && e.port == port && e.hostName.equalsIgnoreCase(hostName)
                && Objects.equals(e.address, address);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** @return {@code https://name:port} or, with a fixed address, {@code https://name:port (10.0.0.5)} */
    @Override
    public String toString() {
        String host = hostName.indexOf(':') >= 0 ? "[" + hostName + "]" : hostName;
        String base = (tls ? "https://" : "http://") + host + ":" + port;
        return address == null || address.getHostAddress().equals(hostName) ? base
                : base + " (" + address.getHostAddress() + ")";
    }
}
