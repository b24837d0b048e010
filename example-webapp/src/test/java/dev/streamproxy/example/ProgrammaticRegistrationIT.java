package dev.streamproxy.example;

import dev.streamproxy.PoolStatistics;
import dev.streamproxy.ProxyConfig;
import dev.streamproxy.ProxyFilter;
import dev.streamproxy.example.demo.DemoUpstream;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's programmatic-registration snippets, run as written (only the target's port differs): a
 * {@code ServletContextListener} calling {@code ServletContext.addFilter}, and embedded Jetty with a
 * {@code FilterHolder}. Each proxies /api/* and leaves the application's own servlet alone.
 */
@Timeout(30)
class ProgrammaticRegistrationIT {

    private Server upstream;
    private Server app;
    private String upstreamUri;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = DemoUpstream.start("127.0.0.1", 0);
        upstreamUri = "http://127.0.0.1:" + ((ServerConnector) upstream.getConnectors()[0]).getLocalPort() + "/v1";
    }

    @AfterEach
    void stopServers() throws Exception {
        if (app != null) {
            app.stop();
        }
        upstream.stop();
    }

    /** The README's "ServletContext.addFilter" snippet. */
    public static final class ProxySetup implements ServletContextListener {
        private final String targetUri;

        ProxySetup(String targetUri) {
            this.targetUri = targetUri;
        }

        @Override
        public void contextInitialized(ServletContextEvent event) {
            ProxyConfig config = ProxyConfig.builder()
                    .targetUri(targetUri)
                    .prefix("/api")
                    .maxConnections(64)
                    .responseTimeout(Duration.ofSeconds(60))
                    .build();
            FilterRegistration.Dynamic api = event.getServletContext().addFilter("api", new ProxyFilter(config));
            api.setAsyncSupported(true);
            api.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/api/*");
        }
    }

    @Test
    void aListenerRegistersTheFilterThroughServletContextAddFilter() throws Exception {
        ServletContextHandler context = new ServletContextHandler("/");
        context.addEventListener(new ProxySetup(upstreamUri));
        context.addServlet(HelloServlet.class, "/*");
        startApp(context);

        assertProxiesApiAndServesTheRestItself();
        Object published = context.getServletContext().getAttribute(ProxyFilter.contextAttributeName("api"));
        PoolStatistics stats = assertInstanceOf(ProxyFilter.class, published).poolStatistics();
        assertEquals(0, stats.leased());
        assertEquals(64, stats.max());
    }

    @Test
    void embeddedJettyRegistersTheFilterWithAFilterHolder() throws Exception {
        // The README's "embedded Jetty" snippet.
        ProxyConfig config = ProxyConfig.builder().targetUri(upstreamUri).prefix("/api").build();
        ServletContextHandler context = new ServletContextHandler("/");
        FilterHolder proxy = new FilterHolder(new ProxyFilter(config));
        proxy.setName("api");
        context.addFilter(proxy, "/api/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(HelloServlet.class, "/*");
        startApp(context);

        assertProxiesApiAndServesTheRestItself();
    }

    private void startApp(ServletContextHandler context) throws Exception {
        app = new Server();
        ServerConnector connector = new ServerConnector(app);
        connector.setHost("127.0.0.1");
        app.addConnector(connector);
        app.setHandler(context);
        app.start();
    }

    private void assertProxiesApiAndServesTheRestItself() throws Exception {
        String base = "http://127.0.0.1:" + ((ServerConnector) app.getConnectors()[0]).getLocalPort();
        HttpResponse<String> proxied = http.send(HttpRequest.newBuilder(URI.create(base + "/api/users?id=1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, proxied.statusCode());
        assertTrue(proxied.body().startsWith("upstream received: GET /v1/users?id=1 HTTP/1.1"), proxied.body());

        HttpResponse<String> own = http.send(HttpRequest.newBuilder(URI.create(base + "/apix")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("hello from the app: /apix", own.body());
    }

    public static final class HelloServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().print("hello from the app: " + req.getRequestURI());
        }
    }
}
