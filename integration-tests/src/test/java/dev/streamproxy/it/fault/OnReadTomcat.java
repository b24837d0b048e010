package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.AppServlet;
import jakarta.servlet.Filter;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Embedded Tomcat with the connector setting the README recommends for a proxy,
 * {@code continueResponseTiming="onRead"}, and one filter on {@code /ctx/api/*}. Only loaded on a Tomcat classpath.
 */
final class OnReadTomcat implements AutoCloseable {

    private final Tomcat tomcat;
    private final Path baseDir;
    private final int port;

    private OnReadTomcat(Tomcat tomcat, Path baseDir, int port) {
        this.tomcat = tomcat;
        this.baseDir = baseDir;
        this.port = port;
    }

    static OnReadTomcat start(Filter proxy) throws Exception {
        Path baseDir = Files.createTempDirectory("tomcat-onread-");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("continueResponseTiming", "onRead");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("/ctx", baseDir.toString());
        FilterDef def = new FilterDef();
        def.setFilterName("api");
        def.setFilter(proxy);
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("api");
        map.addURLPattern("/api/*");
        context.addFilterMap(map);
        Tomcat.addServlet(context, "app", new AppServlet());
        context.addServletMappingDecoded("/", "app");
        tomcat.start();
        return new OnReadTomcat(tomcat, baseDir, connector.getLocalPort());
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        try (Stream<Path> files = Files.walk(baseDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a temp dir; best effort
                }
            });
        }
    }
}
