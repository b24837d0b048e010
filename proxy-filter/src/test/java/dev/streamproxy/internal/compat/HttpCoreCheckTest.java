package dev.streamproxy.internal.compat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpCoreCheckTest {

    @ParameterizedTest
    @CsvSource({"5.3, 5.3, 0", "5.3.6, 5.3, 1", "5.2.5, 5.3, -1", "5.4, 5.3.6, 1", "5.10, 5.9, 1",
        "5.4-alpha1, 5.4, 0", "5.3-beta1, 5.3, 0", "4.4.16, 5.3, -1"})
    void comparesReleaseNumbersNumerically(String a, String b, int sign) {
        assertEquals(sign, Integer.signum(HttpCoreCheck.compare(a, b)));
    }

    @ParameterizedTest
    @CsvSource({"5.3", "5.3.4", "5.3.6", "5.4", "5.4.4", "5.5"})
    void acceptsTheSupportedLinesAndNewer(String version) {
        assertNull(HttpCoreCheck.problem(version, true));
    }

    @ParameterizedTest
    @CsvSource({"5.2.5", "5.1.3", "5.0"})
    void refusesOlderLines(String version) {
        assertEquals("httpcore5 " + version + " is older than 5.3", HttpCoreCheck.problem(version, true));
    }

    @Test
    void aRepackagedHttpCoreWithoutVersionPassesOnItsApi() {
        assertNull(HttpCoreCheck.problem(null, true));
        assertTrue(HttpCoreCheck.problem(null, false).contains("not on the class path"));
    }

    @Test
    void aVersionThatClaimsSupportButLacksTheApiIsRefused() {
        assertTrue(HttpCoreCheck.problem("5.3", false).contains("lacks the classic API"));
    }

    @Test
    void theMessageNamesWhatWasFoundWhatIsSupportedAndTheFixForEachBuild() {
        String m = HttpCoreCheck.message(HttpCoreCheck.problem("5.2.5", true), "5.2.5", "5.3.1");
        for (String expected : new String[] {"httpcore5 5.2.5", "httpclient5 5.3.1", "5.3.x and 5.4.x",
            "<httpcore5.version>5.4.4</httpcore5.version>", "org.apache.httpcomponents.core5:httpcore5:5.4.4",
            "Gradle", "ext['httpcore5.version']", "Spring Boot", "httpclient5.version=5.6.5"}) {
            assertTrue(m.contains(expected), () -> "missing '" + expected + "' in: " + m);
        }
    }

    @Test
    void theBuildsOwnClassPathPasses() {
        assertDoesNotThrow(() -> HttpCoreCheck.require(HttpCoreCheckTest.class.getClassLoader()));
    }

    @Test
    void aClassPathWithoutHttpCoreFailsWithTheFix() {
        ClassLoader empty = new ClassLoader(null) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return Collections.emptyEnumeration();
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> HttpCoreCheck.require(empty));
        assertTrue(e.getMessage().contains("not on the class path"), e.getMessage());
        assertTrue(e.getMessage().contains("httpcore5.version"), e.getMessage());
    }
}
