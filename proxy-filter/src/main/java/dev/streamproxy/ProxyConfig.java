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
 * <tr><td>{@code targetUri}</td><td>required</td><td>one or more absolute {@code http} or {@code https} URIs,
 *     comma-separated, all with the same base path, each optionally followed by {@code weight=N} (see
 *     {@link TargetUri}); no query, fragment or user-info. A host name is resolved to all of its addresses, each a
 *     target of its own</td></tr>
 * <tr><td>{@code loadBalancing}</td><td>{@code least-in-flight}</td><td>{@code least-in-flight}, {@code round-robin}
 *     or {@code random}: see {@link LoadBalancing}</td></tr>
 * <tr><td>{@code dnsRefreshInterval}</td><td>30s</td><td>how often host names are resolved again; an address that
 *     disappears drains</td></tr>
 * <tr><td>{@code maxFails}</td><td>{@value #DEFAULT_MAX_FAILS}</td><td>consecutive failures (refused, reset or
 *     timed out before the response head) that eject a target</td></tr>
 * <tr><td>{@code failTimeout}</td><td>10s</td><td>how long an ejection lasts, doubled for each ejection in a row up
 *     to 5 minutes; then one trial exchange</td></tr>
 * <tr><td>{@code healthCheckPath}</td><td>none (off)</td><td>a path probed on every target each
 *     {@code healthCheckInterval}: 2xx or 3xx in time is healthy, anything else ejects it until a check
 *     passes</td></tr>
 * <tr><td>{@code healthCheckInterval}</td><td>5s</td><td>time between active checks</td></tr>
 * <tr><td>{@code maxRetries}</td><td>{@value #DEFAULT_MAX_RETRIES}</td><td>tries after the first, each on a target not
 *     tried yet; when a retry is allowed is the table on {@code RetryPolicy} (README)</td></tr>
 * <tr><td>{@code retryBufferSize}</td><td>64KiB</td><td>the replay window: an idempotent request whose body sent so far
 *     fits it may be retried after the upstream failed; 0 turns it off; bodies still stream</td></tr>
 * <tr><td>{@code retryOnStatus}</td><td>none</td><td>response codes retried like a failure, e.g.
 *     {@code 502,503,504}, under the same idempotent and replayable rule</td></tr>
 * <tr><td>{@code maxConcurrentRequests}</td><td>unlimited</td><td>exchanges past it get 503 with
 *     {@code Retry-After} at once</td></tr>
 * <tr><td>{@code requestIdHeader}</td><td>{@code X-Request-Id}</td><td>the request id's header: a client's
 *     well-formed id is kept, else one is generated; sent upstream, returned to the client, and on every log line of
 *     the exchange; {@code none} turns it off</td></tr>
 * <tr><td>{@code serverTiming}</td><td>false</td><td>add {@code upstream;dur=} and {@code proxy;dur=} to the
 *     response's {@code Server-Timing}</td></tr>
 * <tr><td>{@code accessLog}</td><td>false</td><td>one key=value line per exchange on the SLF4J logger
 *     {@code dev.streamproxy.access}</td></tr>
 * <tr><td>{@code jmx}</td><td>true</td><td>register the route's MBean,
 *     {@code dev.streamproxy:type=Route,context=...,name=...}</td></tr>
 * <tr><td>{@code upgradeProtocols}</td><td>{@code websocket}</td><td>comma-separated protocols an
 *     {@code Upgrade} request may be tunnelled to once the upstream answers 101; {@code none} turns tunnelling off;
 *     {@code h2c} is never tunnelled</td></tr>
 * <tr><td>{@code upgradeIdleTimeout}</td><td>1h</td><td>a tunnel with no byte either way for this long is closed
 *     on both sides</td></tr>
 * <tr><td>{@code metrics}</td><td>{@code none}</td><td>{@code micrometer}: the route's meters in Micrometer's
 *     global registry ({@code Metrics.globalRegistry}); programmatically, any registry
 *     ({@link Builder#meterRegistry})</td></tr>
 * <tr><td>{@code prefix}</td><td>{@value #DEFAULT_PREFIX} (empty: every path)</td><td>context-relative path
 *     prefix; a request is proxied when its path equals the prefix or continues it with {@code /}; the prefix is
 *     stripped before the rest is appended to the target's base path</td></tr>
 * <tr><td>{@code maxConnections}</td><td>{@value #DEFAULT_MAX_CONNECTIONS}</td><td>pooled connections per
 *     target</td></tr>
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
    /** Default {@code maxConnections}: 256 pooled connections per target. */
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
    /** Default {@code loadBalancing}: {@link LoadBalancing#LEAST_IN_FLIGHT}. */
    public static final LoadBalancing DEFAULT_LOAD_BALANCING = LoadBalancing.LEAST_IN_FLIGHT;
    /** Default {@code dnsRefreshInterval}: 30 seconds. */
    public static final Duration DEFAULT_DNS_REFRESH_INTERVAL = Duration.ofSeconds(30);
    /** Default {@code maxFails}: {@value}. */
    public static final int DEFAULT_MAX_FAILS = 3;
    /** Default {@code failTimeout}: 10 seconds. */
    public static final Duration DEFAULT_FAIL_TIMEOUT = Duration.ofSeconds(10);
    /** Default {@code healthCheckInterval}: 5 seconds. */
    public static final Duration DEFAULT_HEALTH_CHECK_INTERVAL = Duration.ofSeconds(5);
    /** Default {@code maxRetries}: {@value}. */
    public static final int DEFAULT_MAX_RETRIES = 2;
    /** Default {@code retryBufferSize}: 64 KiB. */
    public static final int DEFAULT_RETRY_BUFFER_SIZE = 64 * 1024;
    /** Default {@code maxConcurrentRequests}: {@value}, no limit. */
    public static final int UNLIMITED_REQUESTS = -1;
    /** Default {@code requestIdHeader}: {@value}. */
    public static final String DEFAULT_REQUEST_ID_HEADER = "X-Request-Id";
    /** Default {@code serverTiming}: false. */
    public static final boolean DEFAULT_SERVER_TIMING = false;
    /** Default {@code accessLog}: false. */
    public static final boolean DEFAULT_ACCESS_LOG = false;
    /** Default {@code jmx}: true. */
    public static final boolean DEFAULT_JMX = true;
    /** Default {@code upgradeProtocols}: WebSocket only. */
    public static final java.util.Set<String> DEFAULT_UPGRADE_PROTOCOLS = java.util.Set.of("websocket");
    /** Default {@code upgradeIdleTimeout}: one hour. */
    public static final Duration DEFAULT_UPGRADE_IDLE_TIMEOUT = Duration.ofHours(1);

    private final List<TargetUri> targets;
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
    private final LoadBalancing loadBalancing;
    private final Duration dnsRefreshInterval;
    private final int maxFails;
    private final Duration failTimeout;
    private final String healthCheckPath;
    private final Duration healthCheckInterval;
    private final int maxRetries;
    private final int retryBufferSize;
    private final java.util.Set<Integer> retryOnStatus;
    private final int maxConcurrentRequests;
    private final HostResolver resolver;
    private final String requestIdHeader;
    private final boolean serverTiming;
    private final boolean accessLog;
    private final boolean jmx;
    private final Object meterRegistry;
    private final java.util.Set<String> upgradeProtocols;
    private final Duration upgradeIdleTimeout;

    private ProxyConfig(Builder b) {
        this.targets = b.targets;
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
        this.loadBalancing = b.loadBalancing;
        this.dnsRefreshInterval = b.dnsRefreshInterval;
        this.maxFails = b.maxFails;
        this.failTimeout = b.failTimeout;
        this.healthCheckPath = b.healthCheckPath;
        this.healthCheckInterval = b.healthCheckInterval;
        this.maxRetries = b.maxRetries;
        this.retryBufferSize = b.retryBufferSize;
        this.retryOnStatus = b.retryOnStatus;
        this.maxConcurrentRequests = b.maxConcurrentRequests;
        this.resolver = b.resolver;
        this.requestIdHeader = b.requestIdHeader;
        this.serverTiming = b.serverTiming;
        this.accessLog = b.accessLog;
        this.jmx = b.jmx;
        this.meterRegistry = b.meterRegistry;
        this.upgradeProtocols = b.upgradeProtocols;
        this.upgradeIdleTimeout = b.upgradeIdleTimeout;
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
                .targets(targets)
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
                .tlsProtocols(tls.protocols())
                .loadBalancing(loadBalancing)
                .dnsRefreshInterval(dnsRefreshInterval)
                .maxFails(maxFails)
                .failTimeout(failTimeout)
                .healthCheckPath(healthCheckPath)
                .healthCheckInterval(healthCheckInterval)
                .maxRetries(maxRetries)
                .retryBufferSize(retryBufferSize)
                .retryOnStatus(retryOnStatus)
                .maxConcurrentRequests(maxConcurrentRequests)
                .resolver(resolver)
                .requestIdHeader(requestIdHeader == null ? "none" : requestIdHeader)
                .serverTiming(serverTiming)
                .accessLog(accessLog)
                .jmx(jmx)
                .meterRegistryObject(meterRegistry)
                .upgradeProtocols(upgradeProtocols)
                .upgradeIdleTimeout(upgradeIdleTimeout);
    }

    /** @return the first configured target's absolute URI, including the base path (possibly empty) */
    public URI targetUri() {
        return targets.get(0).uri();
    }

    /** @return every configured target with its weight, in the order given */
    public List<TargetUri> targets() {
        return targets;
    }

    /** @return how a target is chosen for each exchange */
    public LoadBalancing loadBalancing() {
        return loadBalancing;
    }

    /** @return how often host names are resolved again */
    public Duration dnsRefreshInterval() {
        return dnsRefreshInterval;
    }

    /** @return consecutive failures that eject a target */
    public int maxFails() {
        return maxFails;
    }

    /** @return the first ejection's length */
    public Duration failTimeout() {
        return failTimeout;
    }

    /** @return the active health check's path, or null when active checks are off */
    public String healthCheckPath() {
        return healthCheckPath;
    }

    /** @return time between active health checks */
    public Duration healthCheckInterval() {
        return healthCheckInterval;
    }

    /** @return the most retries of one exchange */
    public int maxRetries() {
        return maxRetries;
    }

    /** @return the replay window in bytes, 0 when off */
    public int retryBufferSize() {
        return retryBufferSize;
    }

    /** @return response codes retried like a failure before the head */
    public java.util.Set<Integer> retryOnStatus() {
        return retryOnStatus;
    }

    /** @return the most exchanges at once, or {@link #UNLIMITED_REQUESTS} */
    public int maxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    /** @return how host names become addresses */
    public HostResolver resolver() {
        return resolver;
    }

    /** @return the request id's header name, or null when request ids are off */
    public String requestIdHeader() {
        return requestIdHeader;
    }

    /** @return whether {@code Server-Timing} entries are added to responses */
    public boolean serverTiming() {
        return serverTiming;
    }

    /** @return whether one access log line is written per exchange */
    public boolean accessLog() {
        return accessLog;
    }

    /** @return whether the route registers its MBean */
    public boolean jmx() {
        return jmx;
    }

    /** @return protocols an {@code Upgrade} request may be tunnelled to, lower case; empty when tunnelling is off */
    public java.util.Set<String> upgradeProtocols() {
        return upgradeProtocols;
    }

    /** @return how long a tunnel may carry no byte either way before it is closed */
    public Duration upgradeIdleTimeout() {
        return upgradeIdleTimeout;
    }

    /**
     * @return the Micrometer {@code MeterRegistry} the route's meters go to, or null; typed {@code Object} so that
     *         this class loads without Micrometer on the class path
     */
    public Object meterRegistry() {
        return meterRegistry;
    }

    /** @return the context-relative prefix, empty or starting with {@code /} and never ending with one */
    public String prefix() {
        return prefix;
    }

    /**
     * @return the most pooled connections per target address (each address of a host name is a target of its
     *         own); there is no separate total: it is this times the targets in use
     */
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
        return "ProxyConfig{targetUri=" + targets + ", prefix='" + prefix + "', maxConnections=" + maxConnections
                + ", connectTimeout=" + connectTimeout + ", responseTimeout=" + responseTimeout
                + ", connectionRequestTimeout=" + connectionRequestTimeout + ", idleTimeout=" + idleTimeout
                + ", preserveHost=" + preserveHost + ", forwardedHeaders=" + forwardedHeaders
                + ", rewriteRedirects=" + rewriteRedirects + ", trustedProxies=" + trustedProxies
                + ", maxRequestBodySize=" + maxRequestBodySize + ", maxRequestHeaders=" + maxRequestHeaders
                + ", allowUnderscoreHeaders=" + allowUnderscoreHeaders + ", tls=" + tls
                + ", loadBalancing=" + loadBalancing.value() + ", dnsRefreshInterval=" + dnsRefreshInterval
                + ", maxFails=" + maxFails + ", failTimeout=" + failTimeout + ", healthCheckPath=" + healthCheckPath
                + ", healthCheckInterval=" + healthCheckInterval + ", maxRetries=" + maxRetries
                + ", retryBufferSize=" + retryBufferSize + ", retryOnStatus=" + retryOnStatus
                + ", maxConcurrentRequests=" + maxConcurrentRequests + ", requestIdHeader=" + requestIdHeader
                + ", serverTiming=" + serverTiming + ", accessLog=" + accessLog + ", jmx=" + jmx
                + ", meterRegistry=" + (meterRegistry == null ? "none" : meterRegistry.getClass().getSimpleName())
                + ", upgradeProtocols=" + upgradeProtocols + ", upgradeIdleTimeout=" + upgradeIdleTimeout + '}';
    }

    /**
     * Collects settings for a {@link ProxyConfig}. Setters only record; {@link #build()} validates everything at
     * once, so the message for a bad value is the same whichever way the config was written.
     */
    public static final class Builder {
        private List<TargetUri> targets;
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
        private LoadBalancing loadBalancing = DEFAULT_LOAD_BALANCING;
        private Duration dnsRefreshInterval = DEFAULT_DNS_REFRESH_INTERVAL;
        private int maxFails = DEFAULT_MAX_FAILS;
        private Duration failTimeout = DEFAULT_FAIL_TIMEOUT;
        private String healthCheckPath;
        private Duration healthCheckInterval = DEFAULT_HEALTH_CHECK_INTERVAL;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private int retryBufferSize = DEFAULT_RETRY_BUFFER_SIZE;
        private java.util.Set<Integer> retryOnStatus = java.util.Set.of();
        private int maxConcurrentRequests = UNLIMITED_REQUESTS;
        private HostResolver resolver = HostResolver.SYSTEM;
        private String requestIdHeader = DEFAULT_REQUEST_ID_HEADER;
        private boolean serverTiming = DEFAULT_SERVER_TIMING;
        private boolean accessLog = DEFAULT_ACCESS_LOG;
        private boolean jmx = DEFAULT_JMX;
        private Object meterRegistry;
        private java.util.Set<String> upgradeProtocols = DEFAULT_UPGRADE_PROTOCOLS;
        private Duration upgradeIdleTimeout = DEFAULT_UPGRADE_IDLE_TIMEOUT;

        private Builder() {
        }

        private TlsSettings tls() {
            return new TlsSettings(trustStore, trustStorePassword, trustStoreType, keyStore, keyStorePassword,
                    keyStoreType, tlsProtocols);
        }

        /** @param targetUri the one upstream: an absolute http(s) URI, optionally with a base path */
        public Builder targetUri(URI targetUri) {
            this.targets = targetUri == null ? null : List.of(new TargetUri(targetUri, TargetUri.DEFAULT_WEIGHT));
            return this;
        }

        /**
         * @param targetUri one or more absolute http(s) URIs, comma-separated, each optionally followed by
         *                  {@code weight=N}: the {@code targetUri} init-param's form
         */
        public Builder targetUri(String targetUri) {
            this.targets = targetUri == null ? null : ConfigValidator.parseTargets(targetUri);
            return this;
        }

        /** @param targets the upstreams with their weights, all with the same base path */
        public Builder targets(List<TargetUri> targets) {
            this.targets = targets == null ? null : new java.util.ArrayList<>(targets);
            return this;
        }

        /** @param loadBalancing how a target is chosen for each exchange */
        public Builder loadBalancing(LoadBalancing loadBalancing) {
            this.loadBalancing = loadBalancing;
            return this;
        }

        /** @param dnsRefreshInterval positive time between resolutions of the targets' host names */
        public Builder dnsRefreshInterval(Duration dnsRefreshInterval) {
            this.dnsRefreshInterval = dnsRefreshInterval;
            return this;
        }

        /** @param maxFails consecutive failures that eject a target, 1 to 1000 */
        public Builder maxFails(int maxFails) {
            this.maxFails = maxFails;
            return this;
        }

        /** @param failTimeout positive length of a first ejection */
        public Builder failTimeout(Duration failTimeout) {
            this.failTimeout = failTimeout;
            return this;
        }

        /** @param healthCheckPath a path starting with {@code /} probed on every target, or null for none */
        public Builder healthCheckPath(String healthCheckPath) {
            this.healthCheckPath = blankToNull(healthCheckPath);
            return this;
        }

        /** @param healthCheckInterval positive time between active checks */
        public Builder healthCheckInterval(Duration healthCheckInterval) {
            this.healthCheckInterval = healthCheckInterval;
            return this;
        }

        /** @param maxRetries tries after the first, 0 to 10 */
        public Builder maxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        /** @param retryBufferSize the replay window in bytes, 0 (off) to 16 MiB */
        public Builder retryBufferSize(int retryBufferSize) {
            this.retryBufferSize = retryBufferSize;
            return this;
        }

        /** @param retryOnStatus response codes (500 to 599) retried like a failure, e.g. 502, 503, 504 */
        public Builder retryOnStatus(java.util.Collection<Integer> retryOnStatus) {
            this.retryOnStatus = retryOnStatus == null ? null : java.util.Set.copyOf(retryOnStatus);
            return this;
        }

        /** @param maxConcurrentRequests the most exchanges at once (1 or more), or {@link #UNLIMITED_REQUESTS} */
        public Builder maxConcurrentRequests(int maxConcurrentRequests) {
            this.maxConcurrentRequests = maxConcurrentRequests;
            return this;
        }

        /** @param resolver how host names become addresses (programmatic only); the JVM's by default */
        public Builder resolver(HostResolver resolver) {
            this.resolver = resolver;
            return this;
        }

        /** @param requestIdHeader the request id's header name, or {@code none} to turn request ids off */
        public Builder requestIdHeader(String requestIdHeader) {
            this.requestIdHeader = requestIdHeader == null || "none".equalsIgnoreCase(requestIdHeader.trim())
                    ? null : requestIdHeader.trim();
            return this;
        }

        /** @param serverTiming add {@code upstream;dur=} and {@code proxy;dur=} to {@code Server-Timing} */
        public Builder serverTiming(boolean serverTiming) {
            this.serverTiming = serverTiming;
            return this;
        }

        /** @param accessLog write one line per exchange on the logger {@code dev.streamproxy.access} */
        public Builder accessLog(boolean accessLog) {
            this.accessLog = accessLog;
            return this;
        }

        /** @param jmx register the route's MBean */
        public Builder jmx(boolean jmx) {
            this.jmx = jmx;
            return this;
        }

        /**
         * @param meterRegistry where the route's Micrometer meters go (see the README's Observability section), or
         *                      null for none
         */
        public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        /**
         * @param upgradeProtocols protocols an {@code Upgrade} request may be tunnelled to (e.g. {@code websocket});
         *                         empty to turn tunnelling off; {@code h2c} is refused
         */
        public Builder upgradeProtocols(java.util.Collection<String> upgradeProtocols) {
            this.upgradeProtocols = upgradeProtocols == null ? null
                    : upgradeProtocols.stream().map(p -> p == null ? null : p.trim().toLowerCase(java.util.Locale.ROOT))
                            .collect(java.util.stream.Collectors.toUnmodifiableSet());
            return this;
        }

        /** @param upgradeIdleTimeout positive time a tunnel may carry no byte either way */
        public Builder upgradeIdleTimeout(Duration upgradeIdleTimeout) {
            this.upgradeIdleTimeout = upgradeIdleTimeout;
            return this;
        }

        /** The registry as an {@code Object}: what {@code toBuilder()} and the init-param path use. */
        Builder meterRegistryObject(Object meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        /** @param prefix context-relative path prefix, empty or starting with {@code /} */
        public Builder prefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        /** @param maxConnections pooled connections per target address, 1 to 65535 */
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
            targets = ConfigValidator.requireTargets(targets);
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
            if (loadBalancing == null) {
                throw ConfigValidator.invalid("loadBalancing", "null", "least-in-flight, round-robin or random");
            }
            ConfigValidator.requirePositive("dnsRefreshInterval", dnsRefreshInterval);
            ConfigValidator.requireRange("maxFails", maxFails, 1, 1000);
            ConfigValidator.requirePositive("failTimeout", failTimeout);
            ConfigValidator.requireHealthCheckPath(healthCheckPath);
            ConfigValidator.requirePositive("healthCheckInterval", healthCheckInterval);
            ConfigValidator.requireRange("maxRetries", maxRetries, 0, 10);
            ConfigValidator.requireRange("retryBufferSize", retryBufferSize, 0, 16 * 1024 * 1024);
            ConfigValidator.requireRetryStatuses(retryOnStatus);
            if (maxConcurrentRequests != UNLIMITED_REQUESTS) {
                ConfigValidator.requireRange("maxConcurrentRequests", maxConcurrentRequests, 1, 1_000_000);
            }
            if (resolver == null) {
                throw new IllegalArgumentException("streamproxy: resolver must not be null: give HostResolver.SYSTEM");
            }
            ConfigValidator.requireHeaderName("requestIdHeader", requestIdHeader);
            ConfigValidator.requireUpgradeProtocols(upgradeProtocols);
            ConfigValidator.requirePositive("upgradeIdleTimeout", upgradeIdleTimeout);
            return new ProxyConfig(this);
        }
    }
}
