package dev.streamproxy;

import dev.streamproxy.internal.config.ConfigValidator;
import dev.streamproxy.internal.config.InitParameterParser;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The immutable configuration of one {@link ProxyFilter}: where to forward, which paths, and how the pooled
 * upstream client behaves.
 *
 * <p>Build one with {@link #builder()}, or from {@code web.xml} init-params with {@link #fromParameters(Map)}
 * (which is what {@link ProxyFilter#init} does). Both paths end in the same validation, run once in
 * {@link Builder#build()}: an invalid value throws {@link IllegalArgumentException} whose message names the
 * parameter, the value given and the accepted form. Every default is a constant of this class.
 *
 * <table>
 * <caption>Init-params (the builder has a method of the same name for each)</caption>
 * <tr><th>init-param</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code targetUri}</td><td>required</td><td>absolute {@code http} or {@code https} URI, optionally with a
 *     base path; no query, fragment or user-info</td></tr>
 * <tr><td>{@code prefix}</td><td>{@value #DEFAULT_PREFIX} (empty: every path)</td><td>context-relative path
 *     prefix; a request is proxied when its path equals the prefix or continues it with {@code /}; the prefix is
 *     stripped before the rest is appended to the target's base path</td></tr>
 * <tr><td>{@code maxConnections}</td><td>{@value #DEFAULT_MAX_CONNECTIONS}</td><td>pool size, total and per
 *     route</td></tr>
 * <tr><td>{@code connectTimeout}</td><td>5s</td><td>TCP and TLS connect</td></tr>
 * <tr><td>{@code responseTimeout}</td><td>60s</td><td>longest wait for upstream data (headers or the next body
 *     bytes)</td></tr>
 * <tr><td>{@code connectionRequestTimeout}</td><td>2s</td><td>longest wait for a free pooled connection</td></tr>
 * <tr><td>{@code idleTimeout}</td><td>90s</td><td>idle pooled connections are closed after this</td></tr>
 * <tr><td>{@code preserveHost}</td><td>false</td><td>send the client's {@code Host} instead of the
 *     target's</td></tr>
 * <tr><td>{@code forwardedHeaders}</td><td>true ({@code x-forwarded})</td><td>{@code true}/{@code x-forwarded},
 *     {@code forwarded}, {@code both}, {@code false}/{@code none}: see {@link ForwardedHeaders}</td></tr>
 * <tr><td>{@code rewriteRedirects}</td><td>true</td><td>a {@code Location}/{@code Content-Location} that points
 *     at the target is rewritten to the proxy's own URL</td></tr>
 * <tr><td>{@code trustedProxies}</td><td>empty (trust nobody)</td><td>comma-separated IPs and CIDR blocks (IPv4 and
 *     IPv6) whose {@code X-Forwarded-*}/{@code Forwarded} headers are believed and extended rather than
 *     replaced</td></tr>
 * <tr><td>{@code maxRequestBodySize}</td><td>unlimited</td><td>largest request body forwarded: 413 before the
 *     upstream is contacted when the declared length is larger, the upstream exchange aborted when a chunked body
 *     grows past it. Bytes, or with a binary unit: {@code 512KiB}, {@code 10MiB}, {@code 2GiB}</td></tr>
 * <tr><td>{@code maxRequestHeaders}</td><td>{@value #DEFAULT_MAX_REQUEST_HEADERS}</td><td>more request header lines
 *     than this get 431 before the upstream is contacted (Tomcat's own default limit, so every container refuses
 *     the same requests)</td></tr>
 * <tr><td>{@code allowUnderscoreHeaders}</td><td>false</td><td>forward request headers whose name contains
 *     {@code _}; by default they are dropped, since CGI-style upstreams read {@code X_Auth_User} as
 *     {@code X-Auth-User}</td></tr>
 * <tr><td>{@code trustStore}, {@code trustStorePassword}, {@code trustStoreType}</td><td>the JVM's</td><td>the CAs
 *     an {@code https} upstream's certificate may chain to: a path or {@code classpath:} resource, PKCS12 or JKS
 *     (type read from the file unless given); see {@link TlsSettings}</td></tr>
 * <tr><td>{@code keyStore}, {@code keyStorePassword}, {@code keyStoreType}</td><td>none</td><td>a client
 *     certificate and key for mutual TLS</td></tr>
 * <tr><td>{@code tlsProtocols}</td><td>the JVM's</td><td>comma-separated, e.g. {@code TLSv1.3,TLSv1.2}</td></tr>
 * </table>
 * Durations accept {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h} and ISO-8601 ({@code PT5S}).
 */
public final class ProxyConfig {

    /** Default {@code prefix}: empty, so every request that reaches the filter is proxied. */
    public static final String DEFAULT_PREFIX = "";
    /** Default {@code maxConnections}: 256 pooled connections, total and per route. */
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    /** Default {@code connectTimeout}: 5 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@code responseTimeout}: 60 seconds without upstream data. */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    /** Default {@code connectionRequestTimeout}: 2 seconds waiting for a pooled connection. */
    public static final Duration DEFAULT_CONNECTION_REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** Default {@code idleTimeout}: idle connections are evicted after 90 seconds. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(90);
    /** Default {@code preserveHost}: false, the upstream sees the target's host. */
    public static final boolean DEFAULT_PRESERVE_HOST = false;
    /** Default {@code forwardedHeaders}: {@link ForwardedHeaders#X_FORWARDED}. */
    public static final ForwardedHeaders DEFAULT_FORWARDED_HEADERS = ForwardedHeaders.X_FORWARDED;
    /** Default {@code rewriteRedirects}: true. */
    public static final boolean DEFAULT_REWRITE_REDIRECTS = true;
    /** Default {@code trustedProxies}: none, so every client-sent forwarding header is replaced. */
    public static final List<String> DEFAULT_TRUSTED_PROXIES = List.of();
    /** Default {@code maxRequestBodySize}: {@value}, no limit. */
    public static final long UNLIMITED = -1;
    /** Default {@code maxRequestHeaders}: {@value}, Tomcat's own default. */
    public static final int DEFAULT_MAX_REQUEST_HEADERS = 100;
    /** Default {@code allowUnderscoreHeaders}: false, header names with {@code _} are dropped. */
    public static final boolean DEFAULT_ALLOW_UNDERSCORE_HEADERS = false;

    private final URI targetUri;
    private final String prefix;
    private final int maxConnections;
    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final Duration connectionRequestTimeout;
    private final Duration idleTimeout;
    private final boolean preserveHost;
    private final ForwardedHeaders forwardedHeaders;
    private final boolean rewriteRedirects;
    private final List<String> trustedProxies;
    private final long maxRequestBodySize;
    private final int maxRequestHeaders;
    private final boolean allowUnderscoreHeaders;
    private final TlsSettings tls;

    private ProxyConfig(Builder b) {
        this.targetUri = b.targetUri;
        this.prefix = b.prefix;
        this.maxConnections = b.maxConnections;
        this.connectTimeout = b.connectTimeout;
        this.responseTimeout = b.responseTimeout;
        this.connectionRequestTimeout = b.connectionRequestTimeout;
        this.idleTimeout = b.idleTimeout;
        this.preserveHost = b.preserveHost;
        this.forwardedHeaders = b.forwardedHeaders;
        this.rewriteRedirects = b.rewriteRedirects;
        this.trustedProxies = b.trustedProxies;
        this.maxRequestBodySize = b.maxRequestBodySize;
        this.maxRequestHeaders = b.maxRequestHeaders;
        this.allowUnderscoreHeaders = b.allowUnderscoreHeaders;
        this.tls = b.tls();
    }

    /** @return a builder with every setting at its default and no target */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses init-params (as from {@code web.xml}) into a validated config.
     *
     * @param parameters init-param names to their raw values; unknown names are rejected, so a typo fails loudly
     * @return the validated config
     * @throws IllegalArgumentException naming the parameter, the value and the accepted form
     */
    public static ProxyConfig fromParameters(Map<String, String> parameters) {
        return InitParameterParser.parse(parameters);
    }

    /** @return a builder holding this config's values, to derive a variant */
    public Builder toBuilder() {
        return new Builder()
                .targetUri(targetUri)
                .prefix(prefix)
                .maxConnections(maxConnections)
                .connectTimeout(connectTimeout)
                .responseTimeout(responseTimeout)
                .connectionRequestTimeout(connectionRequestTimeout)
                .idleTimeout(idleTimeout)
                .preserveHost(preserveHost)
                .forwardedHeaders(forwardedHeaders)
                .rewriteRedirects(rewriteRedirects)
                .trustedProxies(trustedProxies)
                .maxRequestBodySize(maxRequestBodySize)
                .maxRequestHeaders(maxRequestHeaders)
                .allowUnderscoreHeaders(allowUnderscoreHeaders)
                .trustStore(tls.trustStore())
                .trustStorePassword(tls.trustStorePassword())
                .trustStoreType(tls.trustStoreType())
                .keyStore(tls.keyStore())
                .keyStorePassword(tls.keyStorePassword())
                .keyStoreType(tls.keyStoreType())
                .tlsProtocols(tls.protocols());
    }

    /** @return the upstream's absolute URI, including its base path (possibly empty) */
    public URI targetUri() {
        return targetUri;
    }

    /** @return the context-relative prefix, empty or starting with {@code /} and never ending with one */
    public String prefix() {
        return prefix;
    }

    /** @return the pool size, total and per route */
    public int maxConnections() {
        return maxConnections;
    }

    /** @return the TCP and TLS connect timeout */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return the longest wait for upstream data */
    public Duration responseTimeout() {
        return responseTimeout;
    }

    /** @return the longest wait for a free pooled connection */
    public Duration connectionRequestTimeout() {
        return connectionRequestTimeout;
    }

    /** @return how long a pooled connection may stay idle */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** @return whether the client's {@code Host} header is sent upstream */
    public boolean preserveHost() {
        return preserveHost;
    }

    /** @return which forwarding headers are written */
    public ForwardedHeaders forwardedHeaders() {
        return forwardedHeaders;
    }

    /** @return whether redirects pointing at the target are rewritten to the proxy's URL */
    public boolean rewriteRedirects() {
        return rewriteRedirects;
    }

    /** @return the addresses and CIDR blocks whose forwarding headers are believed; empty by default */
    public List<String> trustedProxies() {
        return trustedProxies;
    }

    /** @return the largest request body forwarded, in bytes, or {@link #UNLIMITED} */
    public long maxRequestBodySize() {
        return maxRequestBodySize;
    }

    /** @return the most request header lines forwarded; more get 431 */
    public int maxRequestHeaders() {
        return maxRequestHeaders;
    }

    /** @return whether request header names containing {@code _} are forwarded */
    public boolean allowUnderscoreHeaders() {
        return allowUnderscoreHeaders;
    }

    /** @return the TLS material for {@code https} upstreams; {@link TlsSettings#JVM_DEFAULT} when none is set */
    public TlsSettings tls() {
        return tls;
    }

    @Override
    public String toString() {
        return "ProxyConfig{targetUri=" + targetUri + ", prefix='" + prefix + "', maxConnections=" + maxConnections
                + ", connectTimeout=" + connectTimeout + ", responseTimeout=" + responseTimeout
                + ", connectionRequestTimeout=" + connectionRequestTimeout + ", idleTimeout=" + idleTimeout
                + ", preserveHost=" + preserveHost + ", forwardedHeaders=" + forwardedHeaders
                + ", rewriteRedirects=" + rewriteRedirects + ", trustedProxies=" + trustedProxies
                + ", maxRequestBodySize=" + maxRequestBodySize + ", maxRequestHeaders=" + maxRequestHeaders
                + ", allowUnderscoreHeaders=" + allowUnderscoreHeaders + ", tls=" + tls + '}';
    }

    /**
     * Collects settings for a {@link ProxyConfig}. Setters only record; {@link #build()} validates everything at
     * once, so the message for a bad value is the same whichever way the config was written.
     */
    public static final class Builder {
        private URI targetUri;
        private String prefix = DEFAULT_PREFIX;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
        private Duration connectionRequestTimeout = DEFAULT_CONNECTION_REQUEST_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private boolean preserveHost = DEFAULT_PRESERVE_HOST;
        private ForwardedHeaders forwardedHeaders = DEFAULT_FORWARDED_HEADERS;
        private boolean rewriteRedirects = DEFAULT_REWRITE_REDIRECTS;
        private List<String> trustedProxies = DEFAULT_TRUSTED_PROXIES;
        private long maxRequestBodySize = UNLIMITED;
        private int maxRequestHeaders = DEFAULT_MAX_REQUEST_HEADERS;
        private boolean allowUnderscoreHeaders = DEFAULT_ALLOW_UNDERSCORE_HEADERS;
        private String trustStore;
        private String trustStorePassword;
        private String trustStoreType;
        private String keyStore;
        private String keyStorePassword;
        private String keyStoreType;
        private List<String> tlsProtocols = List.of();

        private Builder() {
        }

        private TlsSettings tls() {
            return new TlsSettings(trustStore, trustStorePassword, trustStoreType, keyStore, keyStorePassword,
                    keyStoreType, tlsProtocols);
        }

        /** @param targetUri absolute http(s) URI of the upstream, optionally with a base path */
        public Builder targetUri(URI targetUri) {
            this.targetUri = targetUri;
            return this;
        }

        /** @param targetUri absolute http(s) URI of the upstream, parsed with {@link URI#create} */
        public Builder targetUri(String targetUri) {
            this.targetUri = targetUri == null ? null : ConfigValidator.parseTargetUri(targetUri);
            return this;
        }

        /** @param prefix context-relative path prefix, empty or starting with {@code /} */
        public Builder prefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        /** @param maxConnections pool size, 1 to 65535 */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /** @param connectTimeout positive TCP/TLS connect timeout */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** @param responseTimeout positive longest wait for upstream data */
        public Builder responseTimeout(Duration responseTimeout) {
            this.responseTimeout = responseTimeout;
            return this;
        }

        /** @param connectionRequestTimeout positive longest wait for a pooled connection */
        public Builder connectionRequestTimeout(Duration connectionRequestTimeout) {
            this.connectionRequestTimeout = connectionRequestTimeout;
            return this;
        }

        /** @param idleTimeout positive time after which idle pooled connections are closed */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** @param preserveHost send the client's {@code Host} upstream instead of the target's */
        public Builder preserveHost(boolean preserveHost) {
            this.preserveHost = preserveHost;
            return this;
        }

        /** @param forwardedHeaders which forwarding headers to write */
        public Builder forwardedHeaders(ForwardedHeaders forwardedHeaders) {
            this.forwardedHeaders = forwardedHeaders;
            return this;
        }

        /** @param rewriteRedirects rewrite {@code Location}s that point at the target to the proxy's URL */
        public Builder rewriteRedirects(boolean rewriteRedirects) {
            this.rewriteRedirects = rewriteRedirects;
            return this;
        }

        /** @param trustedProxies IP addresses and CIDR blocks, e.g. {@code 10.0.0.0/8} or {@code fd00::/8} */
        public Builder trustedProxies(List<String> trustedProxies) {
            // copied, and checked in build(): a null entry gets the configuration message, not a bare NPE
            this.trustedProxies = trustedProxies == null ? null : new java.util.ArrayList<>(trustedProxies);
            return this;
        }

        /** @param maxRequestBodySize largest request body in bytes, or {@link #UNLIMITED} */
        public Builder maxRequestBodySize(long maxRequestBodySize) {
            this.maxRequestBodySize = maxRequestBodySize;
            return this;
        }

        /** @param maxRequestHeaders most request header lines forwarded, 1 to 10000; more get 431 */
        public Builder maxRequestHeaders(int maxRequestHeaders) {
            this.maxRequestHeaders = maxRequestHeaders;
            return this;
        }

        /** @param allowUnderscoreHeaders forward request header names containing {@code _} */
        public Builder allowUnderscoreHeaders(boolean allowUnderscoreHeaders) {
            this.allowUnderscoreHeaders = allowUnderscoreHeaders;
            return this;
        }

        /** @param trustStore path or {@code classpath:} resource of the trusted CAs, or null for the JVM's */
        public Builder trustStore(String trustStore) {
            this.trustStore = blankToNull(trustStore);
            return this;
        }

        /** @param trustStorePassword the trust store's password, or null */
        public Builder trustStorePassword(String trustStorePassword) {
            this.trustStorePassword = trustStorePassword;
            return this;
        }

        /** @param trustStoreType {@code PKCS12} or {@code JKS}, or null to read it from the file */
        public Builder trustStoreType(String trustStoreType) {
            this.trustStoreType = blankToNull(trustStoreType);
            return this;
        }

        /** @param keyStore path or {@code classpath:} resource of the client certificate and key, or null */
        public Builder keyStore(String keyStore) {
            this.keyStore = blankToNull(keyStore);
            return this;
        }

        /** @param keyStorePassword the key store's password, also the key's, or null */
        public Builder keyStorePassword(String keyStorePassword) {
            this.keyStorePassword = keyStorePassword;
            return this;
        }

        /** @param keyStoreType {@code PKCS12} or {@code JKS}, or null to read it from the file */
        public Builder keyStoreType(String keyStoreType) {
            this.keyStoreType = blankToNull(keyStoreType);
            return this;
        }

        /** @param tlsProtocols protocols to offer, e.g. {@code List.of("TLSv1.3")}; empty for the JVM's */
        public Builder tlsProtocols(List<String> tlsProtocols) {
            this.tlsProtocols = tlsProtocols == null ? List.of() : List.copyOf(tlsProtocols);
            return this;
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.trim();
        }

        /**
         * Validates and freezes the settings.
         *
         * @return the config
         * @throws IllegalArgumentException naming the first invalid parameter, its value and the accepted form
         */
        public ProxyConfig build() {
            ConfigValidator.requireTargetUri(targetUri);
            prefix = ConfigValidator.normalizePrefix(prefix);
            ConfigValidator.requireRange("maxConnections", maxConnections, 1, 65_535);
            ConfigValidator.requirePositive("connectTimeout", connectTimeout);
            ConfigValidator.requirePositive("responseTimeout", responseTimeout);
            ConfigValidator.requirePositive("connectionRequestTimeout", connectionRequestTimeout);
            ConfigValidator.requirePositive("idleTimeout", idleTimeout);
            if (forwardedHeaders == null) {
                throw ConfigValidator.invalid("forwardedHeaders", "null", "one of " + List.of(ForwardedHeaders.values()));
            }
            ConfigValidator.requireTrustedProxies(trustedProxies);
            trustedProxies = List.copyOf(trustedProxies);
            if (maxRequestBodySize < UNLIMITED) {
                throw ConfigValidator.invalid("maxRequestBodySize", Long.toString(maxRequestBodySize),
                        "a size in bytes (0 or more), or -1 for no limit");
            }
            ConfigValidator.requireRange("maxRequestHeaders", maxRequestHeaders, 1, 10_000);
            ConfigValidator.requireTls(tls());
            return new ProxyConfig(this);
        }
    }
}
