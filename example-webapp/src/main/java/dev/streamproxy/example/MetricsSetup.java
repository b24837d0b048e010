package dev.streamproxy.example;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * Puts a {@link PrometheusMeterRegistry} into Micrometer's global registry ({@link Metrics#globalRegistry}), where
 * every route declared with {@code metrics=micrometer} registers its meters, and publishes it as the servlet-context
 * attribute {@link #ATTRIBUTE} for {@link MetricsServlet}.
 *
 * <p>Declared as a {@code <listener>} in web.xml: the container runs listeners before it initialises any filter, so
 * the registry is in place when the routes start. (Meters registered in the global registry before a registry is
 * added are copied to it too, so the order is not critical, but this way nothing is missed.) On shutdown, after the
 * filters have removed their meters, the registry is taken out of the global one again and closed, so a redeployed
 * application does not keep the old one alive.
 */
public class MetricsSetup implements ServletContextListener {

    /** The servlet-context attribute holding the {@link PrometheusMeterRegistry}. */
    public static final String ATTRIBUTE = MetricsSetup.class.getName() + ".registry";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics.addRegistry(registry);
        event.getServletContext().setAttribute(ATTRIBUTE, registry);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        if (context.getAttribute(ATTRIBUTE) instanceof PrometheusMeterRegistry registry) {
            context.removeAttribute(ATTRIBUTE);
            Metrics.removeRegistry(registry);
            registry.close();
        }
    }
}
