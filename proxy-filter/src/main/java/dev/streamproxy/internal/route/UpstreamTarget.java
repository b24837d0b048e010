package dev.streamproxy.internal.route;

import dev.streamproxy.internal.client.Endpoint;
import org.apache.hc.core5.http.HttpHost;

import java.net.URI;
import java.util.Locale;

/**
 * One upstream: where to connect and the base path requests are appended to. Immutable and shared by every
 * request routed to it.
 */
public final class UpstreamTarget {

    private final URI uri;
    private final HttpHost host;
    private final String basePath;
    private final int effectivePort;
    private final Endpoint endpoint;
    private final String authority;

    /** @param uri a validated absolute http(s) URI without query, fragment or user-info */
    public UpstreamTarget(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        this.uri = URI.create(scheme + "://" + uri.getRawAuthority() + "/");
        this.host = new HttpHost(scheme, uri.getHost(), uri.getPort());
        String path = uri.getRawPath();
        this.basePath = path == null ? "" : path;
        this.effectivePort = uri.getPort() != -1 ? uri.getPort() : ("https".equals(scheme) ? 443 : 80);
        String name = uri.getHost();
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        this.endpoint = new Endpoint(scheme, name, effectivePort, null);
        this.authority = uri.getRawAuthority();
    }

    /** @return where connections for this target go (the name is resolved at connect time) */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** @return the {@code Host} header for this target: the configured authority, port only if configured */
    public String authority() {
        return authority;
    }

    /** @return scheme, host and port to connect to */
    public HttpHost host() {
        return host;
    }

    /** @return {@code scheme://authority/}, the URI upstream requests are created from before their path is set */
    public URI rootUri() {
        return uri;
    }

    /** @return the raw base path: empty, {@code /}, or {@code /svc} with or without a trailing slash */
    public String basePath() {
        return basePath;
    }

    /** @return the port, with the scheme's default filled in */
    public int effectivePort() {
        return effectivePort;
    }

    /**
     * The upstream request-target for a raw rest path and raw query, joined with exactly one {@code /}.
     *
     * @param rest  raw path after the prefix, empty or starting with {@code /}
     * @param query raw query string or null
     * @return the path and query, byte-for-byte as received apart from the base path
     */
    public String requestTarget(String rest, String query) {
        String path;
        if (rest.isEmpty()) {
            path = basePath.isEmpty() ? "/" : basePath;
        } else if (basePath.endsWith("/")) {
            path = basePath + rest.substring(1);
        } else {
            path = basePath + rest;
        }
        return query == null ? path : path + '?' + query;
    }

    @Override
    public String toString() {
        return host.toURI() + basePath;
    }
}
