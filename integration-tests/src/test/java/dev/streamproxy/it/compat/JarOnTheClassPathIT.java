package dev.streamproxy.it.compat;

import dev.streamproxy.ProxyFilter;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Runs in every execution of the compatibility matrix and checks which filter jar, which HttpCore and which JDK
 * the run really had, so a matrix run cannot pass on the build's default class path or JDK by mistake.
 */
class JarOnTheClassPathIT {

    @Test
    void theFilterComesFromTheJarThisRunStandsFor() {
        String jar = ProxyFilter.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        boolean selfContained = jar.contains("proxy-filter-all");
        assertEquals(Boolean.getBoolean("streamproxy.it.all.jar"), selfContained, jar);
        if (selfContained) {
            assertNotNull(ProxyFilter.class.getClassLoader()
                    .getResource("dev/streamproxy/shaded/org/apache/hc/core5/version.properties"));
        }
    }

    @Test
    void theJdkIsTheOneThisRunStandsFor() {
        String expected = System.getProperty("streamproxy.expected.java");
        if (expected != null) {
            assertEquals(Integer.parseInt(expected), Runtime.version().feature());
        }
    }

    @Test
    void theApplicationsHttpCoreIsTheOneThisRunStandsFor() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("org/apache/hc/core5/version.properties")) {
            assertNotNull(in, "httpcore5 on the class path");
            Properties p = new Properties();
            p.load(in);
            assertEquals(System.getProperty("streamproxy.expected.httpcore5"), p.getProperty("info.release").trim());
        }
    }
}
