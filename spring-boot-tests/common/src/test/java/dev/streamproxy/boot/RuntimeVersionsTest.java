package dev.streamproxy.boot;

import jakarta.servlet.ServletContext;
import org.apache.catalina.util.ServerInfo;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves the other tests ran on what Spring Boot chose: the httpcore5 and httpclient5 that load are the versions
 * Boot manages (passed in by the build as {@code boot.managed.*}), not the 5.4 line the project's own build pins,
 * and the server is the Tomcat line of this Boot generation with its Servlet API.
 */
class RuntimeVersionsTest extends ProxiedAppTest {

    @Test
    void httpCoreIsTheVersionBootManages() throws IOException {
        String managed = expected("boot.managed.httpcore5");
        String loaded = loadedRelease("org/apache/hc/core5/version.properties");
        System.out.println("httpcore5: Boot manages " + managed + ", loaded " + loaded);

        assertEquals(managed, loaded, "the httpcore5 on the class path");
        assertFalse(loaded.startsWith("5.4."), "Boot's dependency management was overridden: httpcore5 " + loaded);
        assertTrue(app.poolStatistics().max() > 0, "the filter initialised on it");
    }

    @Test
    void httpClientIsTheVersionBootManages() throws IOException {
        String managed = expected("boot.managed.httpclient5");
        String loaded = loadedRelease("org/apache/hc/client5/version.properties");
        System.out.println("httpclient5: Boot manages " + managed + ", loaded " + loaded);

        assertEquals(managed, loaded, "the httpclient5 on the class path");
    }

    @Test
    void theServerIsTheTomcatOfThisBootGeneration() {
        String managed = expected("boot.managed.tomcat");
        String line = expected("expected.tomcat.line");
        ServletContext servletContext = app.servletContext();
        String servletApi = servletContext.getMajorVersion() + "." + servletContext.getMinorVersion();
        System.out.println("Tomcat: Boot manages " + managed + ", running " + ServerInfo.getServerNumber()
                + " (" + servletContext.getServerInfo() + "), Servlet API " + servletApi);

        assertTrue(ServerInfo.getServerNumber().startsWith(line + "."), ServerInfo.getServerNumber());
        assertTrue(ServerInfo.getServerNumber().startsWith(managed + "."), ServerInfo.getServerNumber());
        assertEquals("Apache Tomcat/" + managed, servletContext.getServerInfo(), "the server answering the tests");
        assertEquals(expected("expected.servlet.api"), servletApi, "the Servlet API the server implements");
    }

    private static String expected(String property) {
        String value = System.getProperty(property);
        assertNotNull(value, "system property " + property + " is set by the module's surefire configuration");
        return value;
    }

    /** @return {@code info.release} of the one copy of {@code resource} on the class path */
    private static String loadedRelease(String resource) throws IOException {
        List<URL> copies = Collections.list(RuntimeVersionsTest.class.getClassLoader().getResources(resource));
        assertEquals(1, copies.size(), "exactly one " + resource + " on the class path: " + copies);
        Properties properties = new Properties();
        try (InputStream in = copies.get(0).openStream()) {
            properties.load(in);
        }
        String release = properties.getProperty("info.release");
        assertNotNull(release, "info.release in " + copies.get(0));
        return release;
    }
}
