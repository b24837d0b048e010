package dev.streamproxy.it.compat;

import dev.streamproxy.ProxyFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs only in the failsafe execution whose class path holds an HttpCore older than supported (httpclient5 5.3.x
 * with httpcore5 5.2.x, the pair Spring Boot 3.3 managed): the filter must refuse to start with the versions and
 * the fix in the message, never fail later with a {@link LinkageError}.
 */
class UnsupportedHttpCoreIT {

    private static final String CORE = System.getProperty("streamproxy.expected.httpcore5");
    private static final String CLIENT = System.getProperty("streamproxy.expected.httpclient5");

    @Test
    void theClassPathReallyHoldsTheOldPair() throws Exception {
        assertEquals(CORE, release("org/apache/hc/core5/version.properties"));
        assertEquals(CLIENT, release("org/apache/hc/client5/version.properties"));
    }

    @Test
    void initFailsNamingTheVersionFoundTheSupportedLinesAndTheFix() {
        ProxyFilter filter = new ProxyFilter();
        ServletException e = assertThrows(ServletException.class,
                () -> filter.init(config(Map.of("targetUri", "http://127.0.0.1:9/svc"))));
        String m = e.getMessage();
        for (String expected : new String[] {"[api]", "httpcore5 " + CORE, "httpclient5 " + CLIENT,
            "5.3.x and 5.4.x", "<httpcore5.version>", "Gradle", "Spring Boot", "httpcore5.version="}) {
            assertTrue(m.contains(expected), () -> "missing '" + expected + "' in: " + m);
        }
    }

    @Test
    void inAContainerTheApplicationIsUnavailableFromTheStartNotBrokenOnTheFirstRequest() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/ctx");
        FilterHolder holder = new FilterHolder(ProxyFilter.class);
        holder.setName("api");
        holder.setInitParameter("targetUri", "http://127.0.0.1:9/svc");
        holder.setInitParameter("prefix", "/api");
        context.addFilter(holder, "/api/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        try {
            try {
                server.start();
            } catch (Exception startFailed) {
                assertTrue(String.valueOf(startFailed).contains("httpcore5 " + CORE), startFailed::toString);
                return;
            }
            assertTrue(context.isFailed() || !context.isAvailable(), "the context started with a broken filter");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/ctx/api/x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, r.statusCode(), r::body);
        } finally {
            server.stop();
        }
    }

    private static FilterConfig config(Map<String, String> params) {
        return new FilterConfig() {
            @Override
            public String getFilterName() {
                return "api";
            }

            @Override
            public ServletContext getServletContext() {
                return null;
            }

            @Override
            public String getInitParameter(String name) {
                return params.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        };
    }

    private static String release(String resource) throws Exception {
        try (InputStream in = UnsupportedHttpCoreIT.class.getClassLoader().getResourceAsStream(resource)) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("info.release").trim();
        }
    }
}
