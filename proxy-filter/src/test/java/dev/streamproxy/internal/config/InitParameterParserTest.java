package dev.streamproxy.internal.config;

import dev.streamproxy.ForwardedHeaders;
import dev.streamproxy.ProxyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitParameterParserTest {

    private static final String TARGET = "http://10.0.0.5:9000/svc";

    private static ProxyConfig parse(String... namesAndValues) {
        Map<String, String> params = new HashMap<>();
        params.put("targetUri", TARGET);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            params.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return ProxyConfig.fromParameters(params);
    }

    private static IllegalArgumentException rejected(String name, String value) {
        return assertThrows(IllegalArgumentException.class, () -> parse(name, value));
    }

    /** The message names the parameter, quotes the value as given, and says what is accepted. */
    private static void assertNamesParameterValueAndForm(IllegalArgumentException e, String name, String value) {
        String m = e.getMessage();
        assertTrue(m.startsWith("streamproxy: invalid " + name + " '" + value + "': expected "),
                () -> "expected the message to name " + name + " and '" + value + "', was: " + m);
    }

    @Test
    void onlyTargetUriGivenYieldsEveryDocumentedDefault() {
        ProxyConfig c = ProxyConfig.fromParameters(Map.of("targetUri", TARGET));
        assertAll(
                () -> assertEquals(URI.create(TARGET), c.targetUri()),
                () -> assertEquals(ProxyConfig.DEFAULT_PREFIX, c.prefix()),
                () -> assertEquals(ProxyConfig.DEFAULT_MAX_CONNECTIONS, c.maxConnections()),
                () -> assertEquals(ProxyConfig.DEFAULT_CONNECT_TIMEOUT, c.connectTimeout()),
                () -> assertEquals(ProxyConfig.DEFAULT_RESPONSE_TIMEOUT, c.responseTimeout()),
                () -> assertEquals(ProxyConfig.DEFAULT_CONNECTION_REQUEST_TIMEOUT, c.connectionRequestTimeout()),
                () -> assertEquals(ProxyConfig.DEFAULT_IDLE_TIMEOUT, c.idleTimeout()),
                () -> assertEquals(ProxyConfig.DEFAULT_PRESERVE_HOST, c.preserveHost()),
                () -> assertEquals(ProxyConfig.DEFAULT_FORWARDED_HEADERS, c.forwardedHeaders()),
                () -> assertEquals(ProxyConfig.DEFAULT_REWRITE_REDIRECTS, c.rewriteRedirects()),
                () -> assertEquals(ProxyConfig.DEFAULT_TRUSTED_PROXIES, c.trustedProxies()),
                () -> assertEquals(ProxyConfig.UNLIMITED, c.maxRequestBodySize()));
    }

    @Test
    void everyParameterIsReadIntoTheConfig() {
        ProxyConfig c = parse(
                "prefix", "/api/",
                "maxConnections", "32",
                "connectTimeout", "250ms",
                "responseTimeout", "2m",
                "connectionRequestTimeout", "PT3S",
                "idleTimeout", "1h",
                "preserveHost", "true",
                "forwardedHeaders", "both",
                "rewriteRedirects", "false",
                "trustedProxies", "10.0.0.0/8, ::1",
                "maxRequestBodySize", "10MiB");
        assertAll(
                () -> assertEquals("/api", c.prefix()),
                () -> assertEquals(32, c.maxConnections()),
                () -> assertEquals(Duration.ofMillis(250), c.connectTimeout()),
                () -> assertEquals(Duration.ofMinutes(2), c.responseTimeout()),
                () -> assertEquals(Duration.ofSeconds(3), c.connectionRequestTimeout()),
                () -> assertEquals(Duration.ofHours(1), c.idleTimeout()),
                () -> assertEquals(true, c.preserveHost()),
                () -> assertEquals(ForwardedHeaders.BOTH, c.forwardedHeaders()),
                () -> assertEquals(false, c.rewriteRedirects()),
                () -> assertEquals(List.of("10.0.0.0/8", "::1"), c.trustedProxies()),
                () -> assertEquals(10L << 20, c.maxRequestBodySize()));
    }

    @Test
    void valuesAreTrimmedAsWebXmlIndentationLeavesThem() {
        ProxyConfig c = parse("maxConnections", "\n   64\n ", "preserveHost", " true ", "connectTimeout", " 5s\n");
        assertEquals(64, c.maxConnections());
        assertEquals(true, c.preserveHost());
        assertEquals(Duration.ofSeconds(5), c.connectTimeout());
    }

    @Test
    void missingTargetUriFailsNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxyConfig.fromParameters(Map.of("prefix", "/api")));
        assertTrue(e.getMessage().contains("targetUri is required"), e.getMessage());
    }

    @Test
    void blankTargetUriCountsAsMissing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxyConfig.fromParameters(Map.of("targetUri", "   ")));
        assertTrue(e.getMessage().contains("targetUri is required"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://10.0.0.5/svc", "http://10.0.0.5/svc?x=1", "http://10.0.0.5/svc#f",
            "http://user@10.0.0.5/svc", "/svc", "10.0.0.5:9000", "not a uri", "http://"})
    void rejectsInvalidTargetUriNamingTheParameterValueAndForm(String value) {
        IllegalArgumentException e = rejected("targetUri", value);
        assertNamesParameterValueAndForm(e, "targetUri", value);
        assertTrue(e.getMessage().contains("absolute http or https URI"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "connectTimeout, 5",
            "responseTimeout, -1s",
            "connectionRequestTimeout, abc",
            "idleTimeout, 5 seconds"})
    void rejectsInvalidDurationsNamingTheParameterValueAndForm(String name, String value) {
        IllegalArgumentException e = rejected(name, value);
        assertNamesParameterValueAndForm(e, name, value);
        assertTrue(e.getMessage().contains("250ms, 5s, 2m, 1h or ISO-8601 PT5S"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"connectTimeout", "responseTimeout", "connectionRequestTimeout", "idleTimeout"})
    void rejectsZeroDurationQuotingTheValueAsGiven(String name) {
        IllegalArgumentException e = rejected(name, "0s");
        assertNamesParameterValueAndForm(e, name, "0s");
    }

    @ParameterizedTest
    @CsvSource({"maxConnections, 0", "maxConnections, 65536", "maxConnections, -3", "maxConnections, many",
            "maxConnections, 2.5", "maxConnections, 99999999999"})
    void rejectsMaxConnectionsOutsideItsRangeNamingTheParameterAndValue(String name, String value) {
        assertNamesParameterValueAndForm(rejected(name, value), name, value);
    }

    @ParameterizedTest
    @CsvSource({"preserveHost, yes", "preserveHost, 1", "preserveHost, on", "preserveHost, ''",
            "rewriteRedirects, no", "rewriteRedirects, 0", "rewriteRedirects, truee"})
    void booleansAreStrictTrueOrFalse(String name, String value) {
        IllegalArgumentException e = rejected(name, value);
        assertNamesParameterValueAndForm(e, name, value);
        assertTrue(e.getMessage().endsWith("true or false"), e.getMessage());
    }

    @Test
    void booleansIgnoreCase() {
        assertEquals(true, parse("preserveHost", "TRUE").preserveHost());
        assertEquals(false, parse("rewriteRedirects", "False").rewriteRedirects());
    }

    @ParameterizedTest
    @CsvSource({
            "true, X_FORWARDED",
            "x-forwarded, X_FORWARDED",
            "X-Forwarded, X_FORWARDED",
            "forwarded, FORWARDED",
            "both, BOTH",
            "false, NONE",
            "none, NONE"})
    void forwardedHeadersAcceptsEachDocumentedSpelling(String value, ForwardedHeaders expected) {
        assertEquals(expected, parse("forwardedHeaders", value).forwardedHeaders());
    }

    @ParameterizedTest
    @ValueSource(strings = {"x_forwarded", "X_FORWARDED", "rfc7239", "yes", ""})
    void forwardedHeadersRejectsOtherSpellingsListingTheChoices(String value) {
        IllegalArgumentException e = rejected("forwardedHeaders", value);
        assertNamesParameterValueAndForm(e, "forwardedHeaders", value);
        assertTrue(e.getMessage().contains("x-forwarded, forwarded, both or none"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"targetURI", "target", "prefx", "maxConnection", "connecttimeout", "forwardHeaders"})
    void rejectsAnUnknownInitParamSoATypoFailsLoudly(String name) {
        IllegalArgumentException e = rejected(name, "x");
        assertTrue(e.getMessage().contains("unknown init-param '" + name + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("targetUri"), "lists the accepted names: " + e.getMessage());
        assertTrue(e.getMessage().contains("maxConnections"), "lists the accepted names: " + e.getMessage());
    }

    @Test
    void everyDocumentedInitParamNameIsKnown() {
        assertEquals(java.util.Set.of("targetUri", "prefix", "maxConnections", "connectTimeout", "responseTimeout",
                "connectionRequestTimeout", "idleTimeout", "preserveHost", "forwardedHeaders", "rewriteRedirects",
                "trustedProxies", "maxRequestBodySize", "maxRequestHeaders", "allowUnderscoreHeaders",
                "trustStore", "trustStorePassword", "trustStoreType", "keyStore", "keyStorePassword",
                "keyStoreType", "tlsProtocols", "loadBalancing", "dnsRefreshInterval", "maxFails", "failTimeout",
                "healthCheckPath", "healthCheckInterval", "maxRetries", "retryBufferSize", "retryOnStatus",
                "maxConcurrentRequests", "requestIdHeader", "serverTiming", "accessLog", "jmx", "metrics",
                "upgradeProtocols", "upgradeIdleTimeout"),
                InitParameterParser.NAMES);
    }

    @Test
    void maxRequestHeadersAndAllowUnderscoreHeadersAreParsedAndChecked() {
        assertEquals(100, parse("prefix", "").maxRequestHeaders());
        assertEquals(250, parse("maxRequestHeaders", "250").maxRequestHeaders());
        assertEquals(false, parse("prefix", "").allowUnderscoreHeaders());
        assertEquals(true, parse("allowUnderscoreHeaders", "true").allowUnderscoreHeaders());
        assertNamesParameterValueAndForm(rejected("maxRequestHeaders", "0"), "maxRequestHeaders", "0");
        assertNamesParameterValueAndForm(rejected("maxRequestHeaders", "many"), "maxRequestHeaders", "many");
        assertNamesParameterValueAndForm(rejected("allowUnderscoreHeaders", "yes"), "allowUnderscoreHeaders", "yes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"api", "/a/../b", "/a?x", "/a*"})
    void rejectsAnInvalidPrefixNamingTheParameterValueAndForm(String value) {
        assertNamesParameterValueAndForm(rejected("prefix", value), "prefix", value);
    }

    @Test
    void trustedProxiesSplitsOnCommasAndWhitespace() {
        assertEquals(List.of("10.0.0.0/8", "192.168.1.7", "::1", "fd00::/8"),
                parse("trustedProxies", "10.0.0.0/8,192.168.1.7\n  ::1 ,fd00::/8").trustedProxies());
        assertEquals(List.of(), parse("trustedProxies", "  ").trustedProxies());
    }

    @ParameterizedTest
    @ValueSource(strings = {"proxy.internal", "10.0.0.0/33", "::1/129", "10.0.0.0/-1", "10.0.0.0/", "10.0.0",
            "localhost"})
    void rejectsTrustedProxiesThatAreNotLiteralAddressesOrValidBlocks(String entry) {
        IllegalArgumentException e = rejected("trustedProxies", "10.0.0.1, " + entry);
        assertNamesParameterValueAndForm(e, "trustedProxies", entry);
        assertTrue(e.getMessage().contains("CIDR"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"1048576, 1048576", "512KiB, 524288", "10MiB, 10485760", "2GiB, 2147483648", "-1, -1", "0, 0"})
    void maxRequestBodySizeAcceptsBytesAndBinaryUnits(String value, long expected) {
        assertEquals(expected, parse("maxRequestBodySize", value).maxRequestBodySize());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-2", "ten", "1.5MiB", "10TiB"})
    void rejectsInvalidMaxRequestBodySizeNamingTheParameterValueAndForm(String value) {
        assertNamesParameterValueAndForm(rejected("maxRequestBodySize", value), "maxRequestBodySize", value);
    }

    @Test
    void severalTargetsWithWeightsAreParsedInOrder() {
        ProxyConfig c = parse("targetUri", "http://10.0.0.5:9000/svc weight=3 , https://workers.internal/svc/,"
                + "http://[::1]:9001/svc  weight=1");
        assertEquals(List.of(new dev.streamproxy.TargetUri(java.net.URI.create("http://10.0.0.5:9000/svc"), 3),
                new dev.streamproxy.TargetUri(java.net.URI.create("https://workers.internal/svc/"), 1),
                new dev.streamproxy.TargetUri(java.net.URI.create("http://[::1]:9001/svc"), 1)), c.targets());
        assertEquals(java.net.URI.create("http://10.0.0.5:9000/svc"), c.targetUri());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://a:1/svc, http://b:2/other",
        "http://a:1/svc, http://a:1/svc",
        "http://a:1/svc weight=0",
        "http://a:1/svc weight=1001",
        "http://a:1/svc heavy",
        "http://a:1/svc weight=x",
        "http://a:1/svc,",
        "http://a:1/svc, ftp://b/svc"})
    void badTargetListsNameTheParameterAndTheForm(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxyConfig.fromParameters(Map.of("targetUri", value)));
        assertTrue(e.getMessage().startsWith("streamproxy: invalid targetUri '"), e.getMessage());
        assertTrue(e.getMessage().contains("expected "), e.getMessage());
    }

    @Test
    void upstreamPoliciesAreParsedWithTheirDefaults() {
        ProxyConfig d = parse();
        assertEquals(dev.streamproxy.LoadBalancing.LEAST_IN_FLIGHT, d.loadBalancing());
        assertEquals(java.time.Duration.ofSeconds(30), d.dnsRefreshInterval());
        assertEquals(3, d.maxFails());
        assertEquals(java.time.Duration.ofSeconds(10), d.failTimeout());
        assertEquals(null, d.healthCheckPath());
        assertEquals(2, d.maxRetries());
        assertEquals(64 * 1024, d.retryBufferSize());
        assertEquals(java.util.Set.of(), d.retryOnStatus());
        assertEquals(ProxyConfig.UNLIMITED_REQUESTS, d.maxConcurrentRequests());
        ProxyConfig c = parse("loadBalancing", "Round-Robin", "dnsRefreshInterval", "5s", "maxFails", "1",
                "failTimeout", "2s", "healthCheckPath", "/health?deep=1", "healthCheckInterval", "1s",
                "maxRetries", "0", "retryBufferSize", "0", "retryOnStatus", "502, 503,504",
                "maxConcurrentRequests", "100");
        assertEquals(dev.streamproxy.LoadBalancing.ROUND_ROBIN, c.loadBalancing());
        assertEquals("/health?deep=1", c.healthCheckPath());
        assertEquals(java.util.Set.of(502, 503, 504), c.retryOnStatus());
        assertEquals(100, c.maxConcurrentRequests());
        assertEquals(0, c.retryBufferSize());
        assertEquals(ProxyConfig.UNLIMITED_REQUESTS, parse("maxConcurrentRequests", "unlimited")
                .maxConcurrentRequests());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
        "loadBalancing, fastest", "maxFails, 0", "failTimeout, 0s", "healthCheckPath, health",
        "maxRetries, 11", "retryBufferSize, 32MiB", "retryOnStatus, 404", "maxConcurrentRequests, 0",
        "dnsRefreshInterval, soon"})
    void badUpstreamPoliciesNameTheParameterValueAndForm(String name, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(name, value));
        assertTrue(e.getMessage().contains("invalid " + name + " '"), e.getMessage());
        assertTrue(e.getMessage().contains("expected "), e.getMessage());
    }
}
