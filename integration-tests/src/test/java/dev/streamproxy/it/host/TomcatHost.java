package dev.streamproxy.it.host;

import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Embedded Tomcat with its default HTTP/1.1 (NIO) connector settings. The same class serves Tomcat 10.1 and 11: which
 * one runs is decided by the classpath of the failsafe execution, and checked here so a wrong classpath fails loudly.
 */
public final class TomcatHost implements ContainerHost {

    private final HostKind kind;
    private Tomcat tomcat;
    private Path baseDir;

    public TomcatHost(HostKind kind) {
        this.kind = kind;
    }

    @Override
    public int start(WebApp app) throws Exception {
        String version = ServerInfo.getServerNumber();
        String expected = kind == HostKind.TOMCAT_10 ? "10.1." : "11.";
        if (!version.startsWith(expected)) {
            throw new IllegalStateException("host " + kind + " expects Tomcat " + expected + "x on the classpath, found "
                    + version);
        }
        baseDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "tomcat-it-");
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext(app.contextPath(), baseDir.toString());
        for (WebApp.FilterMapping f : app.filters()) {
            FilterDef def = new FilterDef();
            def.setFilterName(f.name());
            def.setFilter(f.filter());
            def.setAsyncSupported(Boolean.toString(f.asyncSupported()));
            context.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName(f.name());
            map.addURLPattern(f.urlPattern());
            context.addFilterMap(map);
        }
        Wrapper servlet = Tomcat.addServlet(context, "app", app.servlet());
        servlet.setAsyncSupported(true);
        addDefaultServletMapping(context);
        tomcat.start();
        return connector.getLocalPort();
    }

    /**
     * Tomcat 11 deprecates {@code addServletMappingDecoded} for {@code addServletMapping}, which Tomcat 10.1 does not
     * have; the same compiled class runs on both, so it keeps the method they share.
     */
    @SuppressWarnings("deprecation")
    private static void addDefaultServletMapping(Context context) {
        context.addServletMappingDecoded("/", "app");
    }

    @Override
    public String description() {
        return "Tomcat " + ServerInfo.getServerNumber();
    }

    @Override
    public void close() {
        if (tomcat != null) {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (Exception e) {
                throw new IllegalStateException("Tomcat did not stop cleanly", e);
            }
        }
        if (baseDir != null) {
            try (Stream<Path> files = Files.walk(baseDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // a temp dir; best effort
                    }
                });
            } catch (IOException ignored) {
                // a temp dir; best effort
            }
        }
    }
}
