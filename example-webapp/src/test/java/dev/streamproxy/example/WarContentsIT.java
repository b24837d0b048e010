package dev.streamproxy.example;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built WAR holds what a user's WAR would: the filter, its runtime jars, the metrics library the application
 * chose, and nothing of the demo.
 */
class WarContentsIT {

    /** What the filter needs: itself, HttpCore 5 and the SLF4J API, nothing else. */
    private static final Set<String> FILTER = Set.of("proxy-filter", "httpcore5", "slf4j-api");

    /**
     * What the application adds for its /metrics (micrometer-core and micrometer-registry-prometheus, with what they
     * bring); the filter itself does not need them.
     */
    private static final Set<String> METRICS = Set.of(
            "micrometer-core", "micrometer-commons", "micrometer-observation", "HdrHistogram", "LatencyUtils",
            "jspecify", "micrometer-registry-prometheus", "prometheus-metrics-core", "prometheus-metrics-model",
            "prometheus-metrics-config", "prometheus-metrics-tracer-common", "prometheus-metrics-exposition-formats",
            "prometheus-metrics-exposition-textformats");

    private static Path war() {
        String war = System.getProperty("example.war");
        assertNotNull(war, "failsafe sets example.war to the built WAR");
        return Path.of(war);
    }

    @Test
    void webInfLibHoldsExactlyTheFilterItsRuntimeDependenciesAndTheApplicationsMetricsLibrary() throws IOException {
        Set<String> artifacts = new TreeSet<>();
        try (JarFile jar = new JarFile(war().toFile())) {
            jar.stream().map(ZipEntry::getName)
                    .filter(name -> name.startsWith("WEB-INF/lib/") && name.endsWith(".jar"))
                    .map(name -> name.substring("WEB-INF/lib/".length()).replaceFirst("-\\d.*\\.jar$", ""))
                    .forEach(artifacts::add);
        }
        Set<String> expected = new TreeSet<>(FILTER);
        expected.addAll(METRICS);
        assertEquals(expected, artifacts);
    }

    @Test
    void theWarCarriesWebXmlAndTheApplicationsOwnClassesButNoDemoCode() throws IOException {
        try (JarFile jar = new JarFile(war().toFile())) {
            assertNotNull(jar.getEntry("WEB-INF/web.xml"));
            assertNotNull(jar.getEntry("index.html"));
            assertNotNull(jar.getEntry("WEB-INF/classes/dev/streamproxy/example/StatusServlet.class"));
            assertNotNull(jar.getEntry("WEB-INF/classes/dev/streamproxy/example/MetricsSetup.class"));
            assertNotNull(jar.getEntry("WEB-INF/classes/dev/streamproxy/example/MetricsServlet.class"));
            assertTrue(jar.stream().noneMatch(e -> e.getName().contains("/demo/")), "demo classes stay in test scope");
        }
    }
}
