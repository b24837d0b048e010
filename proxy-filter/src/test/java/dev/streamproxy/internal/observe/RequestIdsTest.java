package dev.streamproxy.internal.observe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "4bf92f3577b34da6a3ce929d0e0e4736", "req-123_ABC.x:y/z=+~!"})
    void aWellFormedClientIdIsKept(String id) {
        assertEquals(id, RequestIds.keepOrGenerate(id));
    }

    @Test
    void oneHundredTwentyEightCharactersAreKeptAndOneMoreIsNot() {
        String max = "x".repeat(128);
        assertEquals(max, RequestIds.keepOrGenerate(max));
        assertNotEquals(max + "x", RequestIds.keepOrGenerate(max + "x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "abc\r\nX-Admin: true", "tab\there", "naïve", "zero\u0000",
        "del\u007f", "emoji\uD83D\uDE00"})
    void anythingElseIsReplacedByAGeneratedId(String hostile) {
        String id = RequestIds.keepOrGenerate(hostile);
        assertTrue(id.matches("[0-9a-f]{32}"), id);
    }

    @Test
    void aMissingIdIsGenerated() {
        assertTrue(RequestIds.keepOrGenerate(null).matches("[0-9a-f]{32}"));
    }

    @Test
    void generatedIdsAre128BitsOfHexAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String id = RequestIds.generate();
            assertEquals(32, id.length());
            assertTrue(seen.add(id), "repeated " + id);
        }
    }
}
