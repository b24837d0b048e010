package dev.streamproxy.internal.tunnel;

import dev.streamproxy.ProxyConfig;
import dev.streamproxy.internal.TestRequests;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which requests a route tunnels: an {@code Upgrade} it allows, asked for with {@code Connection: Upgrade}, no body. */
class UpgradeRequestsTest {

    private static final UpgradeRequests DEFAULT = new UpgradeRequests(ProxyConfig.DEFAULT_UPGRADE_PROTOCOLS);

    private static TestRequests.Builder websocket() {
        return TestRequests.request().header("Upgrade", "websocket").header("Connection", "Upgrade")
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").header("Sec-WebSocket-Version", "13");
    }

    @Test
    void aWebSocketHandshakeIsTunnelledByDefault() {
        assertTrue(DEFAULT.isTunnelled(websocket().build()));
    }

    @Test
    void anExplicitlyEmptyBodyIsNoBody() {
        // what the JDK's WebSocket client sends
        assertTrue(DEFAULT.isTunnelled(websocket().contentLength(0).header("Content-Length", "0").build()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"WebSocket", "WEBSOCKET", " websocket ", "websocket/13", "websocket, foo"})
    void theProtocolIsMatchedWithoutCaseOrVersionOrWhatFollowsIt(String upgrade) {
        HttpServletRequest r = TestRequests.request().header("Upgrade", upgrade).header("Connection", "Upgrade")
                .build();
        assertTrue(DEFAULT.isTunnelled(r), upgrade);
    }

    @ParameterizedTest
    @ValueSource(strings = {"upgrade", "UPGRADE", "keep-alive, Upgrade", "Upgrade , keep-alive", "close,upgrade"})
    void upgradeMayBeAnyTokenOfConnectionInAnyCase(String connection) {
        HttpServletRequest r = TestRequests.request().header("Upgrade", "websocket").header("Connection", connection)
                .build();
        assertTrue(DEFAULT.isTunnelled(r), connection);
    }

    @Test
    void upgradeMayBeInASecondConnectionHeader() {
        HttpServletRequest r = TestRequests.request().header("Upgrade", "websocket").header("Connection", "keep-alive")
                .header("Connection", "Upgrade").build();
        assertTrue(DEFAULT.isTunnelled(r));
    }

    @Test
    void withoutConnectionUpgradeTheUpgradeHeaderIsNotARequestToSwitch() {
        assertFalse(DEFAULT.isTunnelled(TestRequests.request().header("Upgrade", "websocket").build()));
        assertFalse(DEFAULT.isTunnelled(TestRequests.request().header("Upgrade", "websocket")
                .header("Connection", "keep-alive").build()));
        // a token that merely contains the word
        assertFalse(DEFAULT.isTunnelled(TestRequests.request().header("Upgrade", "websocket")
                .header("Connection", "X-Upgrade").build()));
    }

    @Test
    void connectionUpgradeWithoutAnUpgradeHeaderIsNotTunnelled() {
        assertFalse(DEFAULT.isTunnelled(TestRequests.request().header("Connection", "Upgrade").build()));
    }

    @Test
    void anOrdinaryRequestIsNotTunnelled() {
        assertFalse(DEFAULT.isTunnelled(TestRequests.request().build()));
    }

    @Test
    void h2cIsNeverTunnelledEvenWhenListed() {
        UpgradeRequests withH2c = new UpgradeRequests(Set.of("websocket", "h2c"));
        HttpServletRequest r = TestRequests.request().header("Upgrade", "h2c").header("Connection", "Upgrade, HTTP2-Settings")
                .header("HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA").build();
        assertFalse(DEFAULT.isTunnelled(r));
        assertFalse(withH2c.isTunnelled(r));
    }

    @Test
    void onlyTheFirstProtocolOfTheUpgradeHeaderCounts() {
        HttpServletRequest r = TestRequests.request().header("Upgrade", "foo/2, websocket")
                .header("Connection", "Upgrade").build();
        assertFalse(DEFAULT.isTunnelled(r));
    }

    @Test
    void aProtocolOutsideUpgradeProtocolsIsNotTunnelled() {
        HttpServletRequest tls = TestRequests.request().header("Upgrade", "TLS/1.2").header("Connection", "Upgrade")
                .build();
        assertFalse(DEFAULT.isTunnelled(tls));
        assertTrue(new UpgradeRequests(Set.of("websocket", "tls")).isTunnelled(tls));
    }

    @Test
    void upgradeProtocolsNoneTurnsTunnellingOff() {
        UpgradeRequests none = new UpgradeRequests(Set.of());
        assertFalse(none.isTunnelled(websocket().build()));
        // and "none" as an init-param is that empty set
        ProxyConfig config = ProxyConfig.fromParameters(java.util.Map.of("targetUri", "http://127.0.0.1:9/",
                "upgradeProtocols", "none"));
        assertFalse(new UpgradeRequests(config.upgradeProtocols()).isTunnelled(websocket().build()));
    }

    @Test
    void aRequestWithABodyIsNotTunnelled() {
        assertFalse(DEFAULT.isTunnelled(websocket().contentLength(5).header("Content-Length", "5").build()));
        assertFalse(DEFAULT.isTunnelled(websocket().header("Transfer-Encoding", "chunked").build()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "websocket|websocket",
        "WebSocket|websocket",
        "websocket/13|websocket",
        " h2c |h2c",
        "HTTP/2.0, SHTTP/1.3, IRC/6.9, RTA/x11|http",
        "foo , websocket|foo"})
    void protocolNameIsTheFirstProtocolWithoutVersionInLowerCase(String upgrade, String name) {
        assertEquals(name, UpgradeRequests.protocolName(upgrade));
    }
}
