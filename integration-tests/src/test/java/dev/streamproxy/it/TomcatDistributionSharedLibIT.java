package dev.streamproxy.it;

import dev.streamproxy.it.support.Deployment;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;
import dev.streamproxy.it.support.Smoke;
import dev.streamproxy.it.support.TomcatDistribution;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The second way to install the filter: its three jars (proxy-filter, httpcore5, slf4j-api) in Tomcat's
 * {@code lib/}, shared by every application, and a WAR that holds nothing but a
 * {@code WEB-INF/web.xml} declaring the filter. Real distribution, started with {@code bin/catalina.sh run}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TomcatDistributionSharedLibIT {

    private static final List<String> JARS = List.of("proxy-filter", "httpcore5-5", "slf4j-api");

    @RegisterExtension
    static final Deployment.Deployments DEPLOYMENTS = new Deployment.Deployments("shared-lib", (base, upstream) -> {
        Path lib = Path.of(System.getProperty("streamproxy.it.shared.lib"));
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                Files.copy(jar, base.resolve("lib").resolve(jar.getFileName()));
            }
        }
        writeDescriptorOnlyWar(base.resolve("webapps/shared.war"), "http://" + upstream.authority() + "/v1");
    });

    static Stream<Named<Path>> distributions() {
        return TomcatDistribution.homes().stream().map(h -> Named.of("Tomcat " + TomcatDistribution.version(h), h));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void tomcatsLibHoldsExactlyTheThreeJars(Path home) throws Exception {
        Deployment d = DEPLOYMENTS.on(home);

        try (Stream<Path> jars = Files.list(d.tomcat().base().resolve("lib"))) {
            List<String> names = jars.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(JARS.size(), names.size(), names::toString);
            for (String jar : JARS) {
                assertTrue(names.stream().anyMatch(n -> n.startsWith(jar)), jar + " missing from " + names);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void aGetUnderThePrefixReachesTheUpstream(Path home) throws Exception {
        Deployment d = DEPLOYMENTS.on(home);
        d.upstream().reset();

        RawResponse r = d.send(RawRequest.get("/shared/api/echo?hello=world"));

        assertEquals(200, r.status(), r::toString);
        RecordedRequest up = d.upstream().takeRequest();
        assertEquals("/v1/echo?hello=world", up.target());
        assertEquals(List.of("/shared/api"), up.headers("X-Forwarded-Prefix"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void sixteenMebibytesEachWayArriveByteIdentical(Path home) throws Exception {
        Deployment d = DEPLOYMENTS.on(home);

        Smoke.bodiesArriveByteIdentical(d.upstream(), d.uri("/shared/api/upload"), d.uri("/shared/api/download"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void theClientReceivesTheFirstEventBeforeTheUpstreamSendsTheSecond(Path home) throws Exception {
        Deployment d = DEPLOYMENTS.on(home);

        Smoke.eventsArriveOneByOne(d.upstream(), d.uri("/shared/api/events"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void aPathOutsideThePrefixIsLeftToTomcat(Path home) throws Exception {
        Deployment d = DEPLOYMENTS.on(home);
        d.upstream().reset();

        RawResponse r = d.send(RawRequest.get("/shared/other"));

        assertEquals(404, r.status(), r::toString);
        assertEquals(0, d.upstream().requestCount(), "nothing may reach the upstream");
    }

    /** A WAR with a web.xml and nothing else: the filter class comes from Tomcat's lib/. */
    private static void writeDescriptorOnlyWar(Path war, String targetUri) throws IOException {
        String webXml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee"
                         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                         xsi:schemaLocation="https://jakarta.ee/xml/ns/jakartaee https://jakarta.ee/xml/ns/jakartaee/web-app_6_0.xsd"
                         version="6.0">
                  <filter>
                    <filter-name>api</filter-name>
                    <filter-class>dev.streamproxy.ProxyFilter</filter-class>
                    <init-param>
                      <param-name>targetUri</param-name>
                      <param-value>%s</param-value>
                    </init-param>
                    <init-param>
                      <param-name>prefix</param-name>
                      <param-value>/api</param-value>
                    </init-param>
                  </filter>
                  <filter-mapping>
                    <filter-name>api</filter-name>
                    <url-pattern>/api/*</url-pattern>
                  </filter-mapping>
                </web-app>
                """.formatted(targetUri);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(war))) {
            out.putNextEntry(new ZipEntry("WEB-INF/web.xml"));
            out.write(webXml.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }
}
