package dev.streamproxy.internal.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigValidatorTest {

    @ParameterizedTest
    @CsvSource(value = {
            "'', ''",
            "/, ''",
            "/api, /api",
            "/api/, /api",
            "' /api ', /api",
            "/api/v1, /api/v1",
            "/api/v1/, /api/v1",
            "/..hidden, /..hidden",
            "/a.b/c, /a.b/c"})
    void normalisesPrefixesToEmptyOrASlashPathWithoutTrailingSlash(String raw, String expected) {
        assertEquals(expected, ConfigValidator.normalizePrefix(raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {"api", "api/", "/a/../b", "/a/..", "/..", "/.", "/a/./b", "/a?x", "/a#x", "/a*", "/*",
            "/a//b"})
    void rejectsPrefixesARawRequestPathCouldNeverMatchNamingTheValueAndForm(String raw) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigValidator.normalizePrefix(raw));
        assertEquals("streamproxy: invalid prefix '" + raw + "': expected " + ConfigValidator.PREFIX_FORM,
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api//", "//"})
    void rejectsAPrefixWithADoubleSlashEvenAtTheEnd(String raw) {
        // PREFIX_FORM promises no '//'; only one trailing slash is dropped, so "/api//" must not become "/api/"
        assertThrows(IllegalArgumentException.class, () -> ConfigValidator.normalizePrefix(raw),
                () -> "normalised to '" + ConfigValidator.normalizePrefix(raw) + "'");
    }

    @Test
    void rejectsANullPrefix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigValidator.normalizePrefix(null));
        assertTrue(e.getMessage().contains("prefix 'null'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://h", "http://h/", "https://h:8443/svc", "http://10.0.0.5:9000/svc/",
            "http://[::1]:9000/svc"})
    void acceptsAbsoluteHttpTargets(String raw) {
        assertDoesNotThrow(() -> ConfigValidator.requireTargetUri(ConfigValidator.parseTargetUri(raw)));
    }

    @Test
    void parseTargetUriTrimsSurroundingWhitespace() {
        assertEquals(URI.create("http://h/svc"), ConfigValidator.parseTargetUri("  http://h/svc \n"));
    }

    @Test
    void parseTargetUriReportsASyntaxErrorWithTheAcceptedForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigValidator.parseTargetUri("http://h/a b"));
        assertTrue(e.getMessage().startsWith("streamproxy: invalid targetUri 'http://h/a b': expected "
                + ConfigValidator.TARGET_FORM), e.getMessage());
    }

    @Test
    void rangeMessageGivesTheBounds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigValidator.requireRange("maxConnections", 0, 1, 65_535));
        assertEquals("streamproxy: invalid maxConnections '0': expected a whole number from 1 to 65535",
                e.getMessage());
    }

    @Test
    void requirePositiveAcceptsTheSmallestPositiveDuration() {
        assertDoesNotThrow(() -> ConfigValidator.requirePositive("idleTimeout", Duration.ofMillis(1)));
    }

    @Test
    void requirePositiveRejectsASubMillisecondDurationThatTheClientWouldTruncateToNoTimeout() {
        // HttpClient's timeouts are whole milliseconds, and 0 means "wait forever"
        assertThrows(IllegalArgumentException.class,
                () -> ConfigValidator.requirePositive("idleTimeout", Duration.ofNanos(999_999)));
    }

    @Test
    void rejectsBlankTrustedProxyEntries() {
        assertThrows(IllegalArgumentException.class, () -> ConfigValidator.requireTrustedProxies(List.of(" ")));
        assertDoesNotThrow(() -> ConfigValidator.requireTrustedProxies(List.of()));
    }
}
