package dev.streamproxy.boot.support;

import dev.streamproxy.PoolStatistics;
import dev.streamproxy.ProxyFilter;
import dev.streamproxy.boot.app.ProxyApplication;
import jakarta.servlet.ServletContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.context.WebApplicationContext;

import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * A running {@link ProxyApplication}: the real Spring Boot application with its embedded server on an ephemeral port
 * of 127.0.0.1, its {@code /api/*} proxy pointed at an upstream of the test's choosing.
 */
public final class BootApp implements AutoCloseable {

    /** The bean name of the README's registration, which Boot also uses as the filter's name. */
    private static final String FILTER_NAME = "apiProxy";

    private final ConfigurableApplicationContext context;

    private BootApp(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /**
     * @param upstream the proxy target, {@code api.upstream}
     * @return the started application
     */
    public static BootApp start(String upstream) {
        return new BootApp(new SpringApplicationBuilder(ProxyApplication.class)
                .main(ProxyApplication.class) // for the start-up log: Boot would name the test runner
                .run("--server.port=0", "--server.address=127.0.0.1", "--api.upstream=" + upstream));
    }

    /** @return the port the embedded server listens on */
    public int port() {
        return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    /** @return an absolute URI on the application for a path with optional raw query */
    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    /** @return the application context */
    public ConfigurableApplicationContext context() {
        return context;
    }

    /** @return the servlet context of the embedded server */
    public ServletContext servletContext() {
        // WebApplicationContext rather than Boot's ServletWebServerApplicationContext, whose package Boot 4 moved
        return ((WebApplicationContext) context).getServletContext();
    }

    /**
     * @return the filter the container initialised, found where the README says it is published, and checked to be
     *         the instance the registration bean holds
     */
    public ProxyFilter proxyFilter() {
        Object published = servletContext().getAttribute(ProxyFilter.contextAttributeName(FILTER_NAME));
        assertNotNull(published, "no ProxyFilter published under " + ProxyFilter.contextAttributeName(FILTER_NAME)
                + ": the container did not initialise the filter, or named it otherwise");
        FilterRegistrationBean<?> registration = context.getBean(FILTER_NAME, FilterRegistrationBean.class);
        assertSame(registration.getFilter(), published, "the published filter is not the registered instance");
        return (ProxyFilter) published;
    }

    /** Fails unless the proxy's pool has no leased connection within {@code timeout}. */
    public void awaitNoLeasedConnections(Duration timeout) {
        ProxyFilter filter = proxyFilter();
        Await.until(() -> filter.poolStatistics().leased() == 0, timeout,
                "the proxy's pool returning every leased connection", filter::poolStatistics);
    }

    /** @return the proxy's pool right now */
    public PoolStatistics poolStatistics() {
        return proxyFilter().poolStatistics();
    }

    @Override
    public void close() {
        context.close();
    }
}
