package dev.streamproxy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForwardedHeadersTest {

    @Test
    void eachModeWritesExactlyTheHeadersItNames() {
        assertTrue(ForwardedHeaders.X_FORWARDED.writesXForwarded());
        assertFalse(ForwardedHeaders.X_FORWARDED.writesForwarded());
        assertFalse(ForwardedHeaders.FORWARDED.writesXForwarded());
        assertTrue(ForwardedHeaders.FORWARDED.writesForwarded());
        assertTrue(ForwardedHeaders.BOTH.writesXForwarded());
        assertTrue(ForwardedHeaders.BOTH.writesForwarded());
        assertFalse(ForwardedHeaders.NONE.writesXForwarded());
        assertFalse(ForwardedHeaders.NONE.writesForwarded());
    }
}
