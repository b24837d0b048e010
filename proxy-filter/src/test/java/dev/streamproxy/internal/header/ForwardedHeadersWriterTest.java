package dev.streamproxy.internal.header;

import dev.streamproxy.ForwardedHeaders;
import dev.streamproxy.internal.TestRequests;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class ForwardedHeadersWriterTest {

    private static final TrustedProxies TRUST_10_8 = TrustedProxies.parse("10.0.0.0/8");

    private static BasicClassicHttpRequest write(ForwardedHeaders mode, String prefix, TrustedProxies trusted,
                                                 TestRequests.Builder client) {
        BasicClassicHttpRequest up = new BasicClassicHttpRequest("GET", "/svc/x");
        new ForwardedHeadersWriter(mode, prefix, trusted).write(client.build(), up);
        return up;
    }

    private static String value(BasicClassicHttpRequest up, String name) {
        Header[] h = up.getHeaders(name);
        if (h.length == 0) {
            return null;
        }
        assertEquals(1, h.length, () -> "exactly one " + name + " expected: " + Arrays.toString(h));
        return h[0].getValue();
    }

    private static TestRequests.Builder spoofingClient(String peer) {
        return TestRequests.request()
                .scheme("https")
                .server("proxy.example", 8443)
                .contextPath("/ctx")
                .remoteAddr(peer)
                .header("Host", "proxy.example:8443")
                .header("X-Forwarded-For", "6.6.6.6, 7.7.7.7")
                .header("X-Forwarded-For", "8.8.8.8")
                .header("X-Forwarded-Proto", "gopher")
                .header("X-Forwarded-Host", "evil.example")
                .header("X-Forwarded-Port", "1")
                .header("X-Forwarded-Prefix", "/evil/")
                .header("Forwarded", "for=6.6.6.6;proto=gopher");
    }

    @Test
    void untrustedPeerGetsEveryValueFromTheConnection() {
        BasicClassicHttpRequest up = write(ForwardedHeaders.X_FORWARDED, "/api", TRUST_10_8,
                spoofingClient("192.0.2.10"));
        assertEquals("192.0.2.10", value(up, "X-Forwarded-For"));
        assertEquals("https", value(up, "X-Forwarded-Proto"));
        assertEquals("proxy.example:8443", value(up, "X-Forwarded-Host"));
        assertEquals("8443", value(up, "X-Forwarded-Port"));
        assertEquals("/ctx/api", value(up, "X-Forwarded-Prefix"));
        assertNull(value(up, "Forwarded"));
    }

    @Test
    void untrustedPeerValuesReplaceAHeaderAlreadyOnTheUpstreamRequest() {
        // the copier runs first and drops every client-sent forwarding header; this is the writer's own guarantee
        BasicClassicHttpRequest up = new BasicClassicHttpRequest("GET", "/svc/x");
        up.addHeader("X-Forwarded-For", "6.6.6.6");
        up.addHeader("Forwarded", "for=6.6.6.6");
        new ForwardedHeadersWriter(ForwardedHeaders.BOTH, "", TrustedProxies.none())
                .write(spoofingClient("192.0.2.10").build(), up);
        assertEquals("192.0.2.10", value(up, "X-Forwarded-For"));
        assertEquals("for=192.0.2.10;proto=https;host=\"proxy.example:8443\"", value(up, "Forwarded"));
    }

    @Test
    void trustedPeerAppendsItselfToTheChainItReports() {
        BasicClassicHttpRequest up = write(ForwardedHeaders.X_FORWARDED, "/api", TRUST_10_8,
                spoofingClient("10.1.2.3"));
        assertEquals("6.6.6.6, 7.7.7.7, 8.8.8.8, 10.1.2.3", value(up, "X-Forwarded-For"));
    }

    @Test
    void trustedPeerReportsProtoHostAndPortWhereTheClientConnected() {
        BasicClassicHttpRequest up = write(ForwardedHeaders.X_FORWARDED, "/api", TRUST_10_8,
                TestRequests.request()
                        .scheme("http").server("10.1.2.3", 8080).contextPath("/ctx").remoteAddr("10.9.9.9")
                        .header("Host", "10.1.2.3:8080")
                        .header("X-Forwarded-For", "203.0.113.5")
                        .header("X-Forwarded-Proto", "https, http")
                        .header("X-Forwarded-Host", "www.example.com")
                        .header("X-Forwarded-Port", "443")
                        .header("X-Forwarded-Prefix", "/edge/"));
        assertEquals("203.0.113.5, 10.9.9.9", value(up, "X-Forwarded-For"));
        assertEquals("https", value(up, "X-Forwarded-Proto"));
        assertEquals("www.example.com", value(up, "X-Forwarded-Host"));
        assertEquals("443", value(up, "X-Forwarded-Port"));
        assertEquals("/edge/ctx/api", value(up, "X-Forwarded-Prefix"));
    }

    @Test
    void trustedPeerWithoutForwardingHeadersIsTreatedLikeAClient() {
        BasicClassicHttpRequest up = write(ForwardedHeaders.BOTH, "/api", TRUST_10_8,
                TestRequests.request().scheme("http").server("proxy.example", 80).remoteAddr("10.0.0.1")
                        .header("Host", "proxy.example")
                        .header("X-Forwarded-For", "  "));
        assertEquals("10.0.0.1", value(up, "X-Forwarded-For"));
        assertEquals("http", value(up, "X-Forwarded-Proto"));
        assertEquals("proxy.example", value(up, "X-Forwarded-Host"));
        assertEquals("80", value(up, "X-Forwarded-Port"));
        assertEquals("for=10.0.0.1;proto=http;host=\"proxy.example\"", value(up, "Forwarded"));
    }

    @Test
    void forwardedModeWritesOnlyTheStandardHeader() {
        BasicClassicHttpRequest up = write(ForwardedHeaders.FORWARDED, "/api", TrustedProxies.none(),
                spoofingClient("192.0.2.10"));
        assertEquals("for=192.0.2.10;proto=https;host=\"proxy.example:8443\"", value(up, "Forwarded"));
        for (String name : List.of("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port",
                "X-Forwarded-Prefix")) {
            assertFalse(up.containsHeader(name), name);
        }
    }

    @Test
    void trustedPeerAppendsItsElementToTheForwardedChain() {
        BasicClassicHttpRequest up = write(ForwardedHeaders.FORWARDED, "", TRUST_10_8,
                TestRequests.request().scheme("http").server("10.0.0.2", 8080).remoteAddr("10.0.0.7")
                        .header("Host", "10.0.0.2:8080")
                        .header("Forwarded", "for=203.0.113.5;proto=https")
                        .header("Forwarded", "for=198.51.100.1"));
        assertEquals("for=203.0.113.5;proto=https, for=198.51.100.1, for=10.0.0.7;proto=http;host=\"10.0.0.2:8080\"",
                value(up, "Forwarded"));
    }

    @Test
    void quotesAndBracketsIpv6PeersInForwarded() {
        BasicClassicHttpRequest up = write(ForwardedHeaders.BOTH, "", TrustedProxies.none(),
                TestRequests.request().remoteAddr("2001:db8::1").header("Host", "[2001:db8::2]:8080"));
        assertEquals("for=\"[2001:db8::1]\";proto=http;host=\"[2001:db8::2]:8080\"", value(up, "Forwarded"));
        assertEquals("2001:db8::1", value(up, "X-Forwarded-For"));
    }

    @Test
    void rfc7239NodeBracketsAndQuotesOnlyIpv6() {
        assertEquals("192.0.2.1", ForwardedHeadersWriter.node("192.0.2.1"));
        assertEquals("\"[::1]\"", ForwardedHeadersWriter.node("::1"));
        assertEquals("\"[::1]\"", ForwardedHeadersWriter.node("[::1]"));
        assertEquals("\"[0:0:0:0:0:0:0:1]\"", ForwardedHeadersWriter.node("0:0:0:0:0:0:0:1"));
        assertEquals("unknown", ForwardedHeadersWriter.node(null));
    }

    @Test
    void escapesQuotesAndBackslashesInTheForwardedHost() {
        BasicClassicHttpRequest up = write(ForwardedHeaders.FORWARDED, "", TrustedProxies.none(),
                TestRequests.request().header("Host", "a\"b\\c"));
        assertEquals("for=192.0.2.10;proto=http;host=\"a\\\"b\\\\c\"", value(up, "Forwarded"));
    }

    @Test
    void noneWritesNothing() {
        BasicClassicHttpRequest up = write(ForwardedHeaders.NONE, "/api", TRUST_10_8, spoofingClient("10.0.0.1"));
        assertEquals(0, up.getHeaders().length);
    }

    @Test
    void prefixIsContextPathPlusRoutePrefix() {
        assertEquals("/ctx/api", value(write(ForwardedHeaders.X_FORWARDED, "/api", TrustedProxies.none(),
                TestRequests.request().contextPath("/ctx")), "X-Forwarded-Prefix"));
        assertEquals("/api", value(write(ForwardedHeaders.X_FORWARDED, "/api", TrustedProxies.none(),
                TestRequests.request().contextPath("")), "X-Forwarded-Prefix"));
        assertEquals("/ctx", value(write(ForwardedHeaders.X_FORWARDED, "", TrustedProxies.none(),
                TestRequests.request().contextPath("/ctx")), "X-Forwarded-Prefix"));
    }

    @Test
    void noPrefixHeaderWhenTheProxyServesTheRoot() {
        BasicClassicHttpRequest up = write(ForwardedHeaders.X_FORWARDED, "", TrustedProxies.none(),
                TestRequests.request().contextPath(""));
        assertFalse(up.containsHeader("X-Forwarded-Prefix"));
    }

    @Test
    void hostFallsBackToServerNameAndPortWithoutAHostHeader() {
        BasicClassicHttpRequest up = write(ForwardedHeaders.X_FORWARDED, "", TrustedProxies.none(),
                TestRequests.request().server("proxy.example", 8080));
        assertEquals("proxy.example:8080", value(up, "X-Forwarded-Host"));
        assertEquals("8080", value(up, "X-Forwarded-Port"));
    }
}
