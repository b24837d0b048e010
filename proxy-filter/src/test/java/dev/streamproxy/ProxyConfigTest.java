package dev.streamproxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProxyConfigTest {

    private static ProxyConfig.Builder valid() {
        return ProxyConfig.builder().targetUri("http://127.0.0.1:9000/svc");
    }

    private static IllegalArgumentException rejected(UnaryOperator<ProxyConfig.Builder> change) {
        return assertThrows(IllegalArgumentException.class, () -> change.apply(valid()).build());
    }

    private static void assertNames(IllegalArgumentException e, String parameter, String value) {
        String m = e.getMessage();
        assertTrue(m.contains(parameter), () -> "message should name " + parameter + ": " + m);
        assertTrue(m.contains("'" + value + "'"), () -> "message should quote the value " + value + ": " + m);
        assertTrue(m.contains("expected"), () -> "message should give the accepted form: " + m);
    }

    @Test
    void builderDefaultsEqualTheDocumentedConstants() {
        ProxyConfig c = valid().build();
        assertAll(
                () -> assertEquals("", ProxyConfig.DEFAULT_PREFIX),
                () -> assertEquals(256, ProxyConfig.DEFAULT_MAX_CONNECTIONS),
                () -> assertEquals(Duration.ofSeconds(5), ProxyConfig.DEFAULT_CONNECT_TIMEOUT),
                () -> assertEquals(Duration.ofSeconds(60), ProxyConfig.DEFAULT_RESPONSE_TIMEOUT),
                () -> assertEquals(Duration.ofSeconds(2), ProxyConfig.DEFAULT_CONNECTION_REQUEST_TIMEOUT),
                () -> assertEquals(Duration.ofSeconds(90), ProxyConfig.DEFAULT_IDLE_TIMEOUT),
                () -> assertEquals(false, ProxyConfig.DEFAULT_PRESERVE_HOST),
                () -> assertEquals(ForwardedHeaders.X_FORWARDED, ProxyConfig.DEFAULT_FORWARDED_HEADERS),
                () -> assertEquals(true, ProxyConfig.DEFAULT_REWRITE_REDIRECTS),
                () -> assertEquals(List.of(), ProxyConfig.DEFAULT_TRUSTED_PROXIES),
                () -> assertEquals(-1L, ProxyConfig.UNLIMITED),
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
    void targetUriIsRequiredAndTheMessageSaysWhatToGive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxyConfig.builder().build());
        assertTrue(e.getMessage().contains("targetUri"), e.getMessage());
        assertTrue(e.getMessage().contains("http"), e.getMessage());
    }

    @Test
    void keepsTheTargetUriAsGiven() {
        assertEquals(URI.create("http://127.0.0.1:9000/svc"), valid().build().targetUri());
        assertEquals(URI.create("https://backend.internal/"),
                ProxyConfig.builder().targetUri(URI.create("https://backend.internal/")).build().targetUri());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ftp://h/svc", "http://h/svc?x=1", "http://h/svc#top", "http://user:pw@h/svc", "/svc", "svc",
            "mailto:ops@example.com", "http:///svc"})
    void rejectsATargetUriItCannotHonourNamingItAndTheAcceptedForm(String value) {
        IllegalArgumentException e = rejected(b -> b.targetUri(URI.create(value)));
        assertNames(e, "targetUri", value);
        assertTrue(e.getMessage().contains("absolute http or https URI"), e.getMessage());
    }

    @Test
    void rejectsAGarbageTargetUriStringNamingTheParameterAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxyConfig.builder().targetUri("http://exa mple/svc").build());
        assertNames(e, "targetUri", "http://exa mple/svc");
    }

    @Test
    void acceptsUpperCaseSchemesAndHttps() {
        valid().targetUri("HTTPS://backend.internal:8443/svc/").build();
        valid().targetUri("Http://backend.internal").build();
    }

    @Test
    void rejectsATargetUriWhosePortIsOutOfRange() {
        // java.net.URI accepts any digits as a port; HttpHost does not, so init() would fail with a foreign message
        IllegalArgumentException e = rejected(b -> b.targetUri("http://127.0.0.1:99999/svc"));
        assertNames(e, "targetUri", "http://127.0.0.1:99999/svc");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 256, 65_535})
    void acceptsMaxConnectionsWithinRange(int value) {
        assertEquals(value, valid().maxConnections(value).build().maxConnections());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65_536, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void rejectsMaxConnectionsOutsideOneTo65535(int value) {
        IllegalArgumentException e = rejected(b -> b.maxConnections(value));
        assertNames(e, "maxConnections", Integer.toString(value));
        assertTrue(e.getMessage().contains("1 to 65535"), e.getMessage());
    }

    @Test
    void rejectsZeroNegativeAndMissingTimeoutsNamingEachParameter() {
        assertNames(rejected(b -> b.connectTimeout(Duration.ZERO)), "connectTimeout", "PT0S");
        assertNames(rejected(b -> b.responseTimeout(Duration.ofSeconds(-1))), "responseTimeout", "PT-1S");
        assertNames(rejected(b -> b.connectionRequestTimeout(null)), "connectionRequestTimeout", "null");
        assertNames(rejected(b -> b.idleTimeout(Duration.ofMillis(-5))), "idleTimeout", "PT-0.005S");
    }

    @Test
    void rejectsTimeoutsOutsideOneMillisecondTo24DaysThroughTheBuilderToo() {
        assertNames(rejected(b -> b.responseTimeout(Duration.ofDays(25))), "responseTimeout", "PT600H");
        assertNames(rejected(b -> b.connectTimeout(Duration.ofNanos(999_999))), "connectTimeout", "PT0.000999999S");
        assertEquals(Duration.ofDays(24), valid().idleTimeout(Duration.ofDays(24)).build().idleTimeout());
        assertEquals(Duration.ofMillis(1), valid().connectTimeout(Duration.ofMillis(1)).build().connectTimeout());
    }

    @Test
    void rejectsAMissingForwardedHeadersModeListingTheChoices() {
        IllegalArgumentException e = rejected(b -> b.forwardedHeaders(null));
        assertNames(e, "forwardedHeaders", "null");
        assertTrue(e.getMessage().contains("X_FORWARDED"), e.getMessage());
    }

    @Test
    void normalisesThePrefixThroughTheBuilderToo() {
        assertEquals("/api", valid().prefix("/api/").build().prefix());
        assertEquals("", valid().prefix("/").build().prefix());
        assertNames(rejected(b -> b.prefix("api")), "prefix", "api");
        assertNames(rejected(b -> b.prefix(null)), "prefix", "null");
    }

    @Test
    void acceptsTrustedProxyAddressesAndBlocks() {
        List<String> trusted = List.of("10.0.0.0/8", "192.168.1.7", "::1", "fd00::/8");
        assertEquals(trusted, valid().trustedProxies(trusted).build().trustedProxies());
    }

    @Test
    void rejectsATrustedProxyThatIsNotALiteralAddressNamingTheEntry() {
        IllegalArgumentException e = rejected(b -> b.trustedProxies(List.of("10.0.0.0/8", "proxy.internal")));
        assertNames(e, "trustedProxies", "proxy.internal");
    }

    @Test
    void rejectsANullTrustedProxyListOrEntryWithTheConfigurationMessage() {
        assertNames(rejected(b -> b.trustedProxies(null)), "trustedProxies", "null");
        // setters only record, build() validates: a null entry gets the same message as any bad entry
        assertNames(rejected(b -> b.trustedProxies(Arrays.asList("10.0.0.1", null))), "trustedProxies", "null");
    }

    @Test
    void trustedProxiesCannotBeChangedThroughTheListGiven() {
        List<String> given = new java.util.ArrayList<>(List.of("10.0.0.1"));
        ProxyConfig c = valid().trustedProxies(given).build();
        given.add("10.0.0.2");
        assertEquals(List.of("10.0.0.1"), c.trustedProxies());
        assertThrows(UnsupportedOperationException.class, () -> c.trustedProxies().add("10.0.0.3"));
    }

    @Test
    void acceptsMaxRequestBodySizeOfZeroOrMoreOrUnlimited() {
        assertEquals(0, valid().maxRequestBodySize(0).build().maxRequestBodySize());
        assertEquals(1L << 40, valid().maxRequestBodySize(1L << 40).build().maxRequestBodySize());
        assertEquals(ProxyConfig.UNLIMITED, valid().maxRequestBodySize(-1).build().maxRequestBodySize());
    }

    @Test
    void rejectsANegativeMaxRequestBodySizeOtherThanUnlimited() {
        assertNames(rejected(b -> b.maxRequestBodySize(-2)), "maxRequestBodySize", "-2");
    }

    @Test
    void toBuilderRoundTripsEverySetting() {
        ProxyConfig original = ProxyConfig.builder()
                .targetUri("https://backend.internal:8443/svc")
                .prefix("/api/v1")
                .maxConnections(17)
                .connectTimeout(Duration.ofMillis(250))
                .responseTimeout(Duration.ofMinutes(2))
                .connectionRequestTimeout(Duration.ofSeconds(3))
                .idleTimeout(Duration.ofHours(1))
                .preserveHost(true)
                .forwardedHeaders(ForwardedHeaders.BOTH)
                .rewriteRedirects(false)
                .trustedProxies(List.of("10.0.0.0/8", "::1"))
                .maxRequestBodySize(4096)
                .build();
        ProxyConfig copy = original.toBuilder().build();
        assertAll(
                () -> assertEquals(original.targetUri(), copy.targetUri()),
                () -> assertEquals(original.prefix(), copy.prefix()),
                () -> assertEquals(original.maxConnections(), copy.maxConnections()),
                () -> assertEquals(original.connectTimeout(), copy.connectTimeout()),
                () -> assertEquals(original.responseTimeout(), copy.responseTimeout()),
                () -> assertEquals(original.connectionRequestTimeout(), copy.connectionRequestTimeout()),
                () -> assertEquals(original.idleTimeout(), copy.idleTimeout()),
                () -> assertEquals(original.preserveHost(), copy.preserveHost()),
                () -> assertEquals(original.forwardedHeaders(), copy.forwardedHeaders()),
                () -> assertEquals(original.rewriteRedirects(), copy.rewriteRedirects()),
                () -> assertEquals(original.trustedProxies(), copy.trustedProxies()),
                () -> assertEquals(original.maxRequestBodySize(), copy.maxRequestBodySize()),
                () -> assertEquals(original.toString(), copy.toString()));
    }

    @Test
    void toBuilderDerivesAVariantWithoutChangingTheOriginal() {
        ProxyConfig original = valid().prefix("/api").build();
        ProxyConfig variant = original.toBuilder().prefix("/other").maxConnections(8).build();
        assertEquals("/api", original.prefix());
        assertEquals(256, original.maxConnections());
        assertEquals("/other", variant.prefix());
        assertEquals(8, variant.maxConnections());
        assertEquals(original.targetUri(), variant.targetUri());
    }

    @Test
    void fromParametersUsesTheSameDefaultsAsTheBuilder() {
        ProxyConfig parsed = ProxyConfig.fromParameters(java.util.Map.of("targetUri", "http://127.0.0.1:9000/svc"));
        assertEquals(valid().build().toString(), parsed.toString());
    }
}
