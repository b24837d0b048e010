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

/** The built WAR holds what a user's WAR would: the filter, its runtime jars, and nothing of the demo. */
class WarContentsIT {

    private static Path war() {
        String war = System.getProperty("example.war");
        assertNotNull(war, "failsafe sets example.war to the built WAR");
        return Path.of(war);
    }

    @Test
    void webInfLibHoldsExactlyTheFilterAndItsRuntimeDependencies() throws IOException {
        Set<String> artifacts = new TreeSet<>();
        try (JarFile jar = new JarFile(war().toFile())) {
            jar.stream().map(ZipEntry::getName)
                    .filter(name -> name.startsWith("WEB-INF/lib/") && name.endsWith(".jar"))
                    .map(name -> name.substring("WEB-INF/lib/".length()).replaceFirst("-\\d.*\\.jar$", ""))
                    .forEach(artifacts::add);
        }
        assertEquals(new TreeSet<>(Set.of("proxy-filter", "httpcore5", "slf4j-api")),
                artifacts);
    }

    @Test
    void theWarCarriesWebXmlAndTheStatusServletButNoDemoCode() throws IOException {
        try (JarFile jar = new JarFile(war().toFile())) {
            assertNotNull(jar.getEntry("WEB-INF/web.xml"));
            assertNotNull(jar.getEntry("index.html"));
            assertNotNull(jar.getEntry("WEB-INF/classes/dev/streamproxy/example/StatusServlet.class"));
            assertTrue(jar.stream().noneMatch(e -> e.getName().contains("/demo/")), "demo classes stay in test scope");
        }
    }
}
