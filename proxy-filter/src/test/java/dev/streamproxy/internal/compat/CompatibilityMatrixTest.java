package dev.streamproxy.internal.compat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Each run of the compatibility matrix (surefire executions in this module's pom) names the httpclient5/httpcore5
 * pair it stands for; this checks the class path really holds that pair, so a matrix run cannot pass on the
 * build's default versions by mistake.
 */
class CompatibilityMatrixTest {

    @Test
    void theClassPathHoldsTheHttpCoreThisRunStandsFor() throws IOException {
        assertEquals(expected("streamproxy.expected.httpcore5"),
                release("org/apache/hc/core5/version.properties"));
    }

    @Test
    void theClassPathHoldsTheHttpClientThisRunStandsFor() throws IOException {
        assertEquals(expected("streamproxy.expected.httpclient5"),
                release("org/apache/hc/client5/version.properties"));
    }

    private static String expected(String property) {
        String v = System.getProperty(property);
        assertNotNull(v, property + " is set by the surefire execution");
        return v;
    }

    private static String release(String resource) throws IOException {
        try (InputStream in = CompatibilityMatrixTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource + " is on the class path");
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("info.release").trim();
        }
    }
}
