package dev.streamproxy.internal.compat;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run on a second JDK (profile jdk-25) names the JDK it stands for; this checks it really ran there. */
class JavaVersionTest {

    @Test
    void theTestsRunOnTheJdkThisRunStandsFor() {
        String expected = System.getProperty("streamproxy.expected.java");
        if (expected == null) {
            assertTrue(Runtime.version().feature() >= 17, "the filter is built for Java 17 and later");
        } else {
            assertEquals(Integer.parseInt(expected), Runtime.version().feature());
        }
    }
}
