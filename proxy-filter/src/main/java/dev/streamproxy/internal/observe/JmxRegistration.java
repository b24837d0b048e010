package dev.streamproxy.internal.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * Registers a route's MBean with the platform MBean server and unregisters it in {@code destroy()}, so that
 * redeploying an application leaves no stale bean behind, and with it no reference to the old class loader.
 *
 * <p>The name is {@code dev.streamproxy:type=Route,context=<context path, or / for the root>,name=<filter name>}:
 * unique even when several applications in one server use the same filter name (as with the jar in Tomcat's
 * {@code lib/}). A name already taken (the same context path on two virtual hosts) gets an {@code instance} key.
 */
public final class JmxRegistration implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JmxRegistration.class);

    private final MBeanServer server;
    private final ObjectName name;

    private JmxRegistration(MBeanServer server, ObjectName name) {
        this.server = server;
        this.name = name;
    }

    /**
     * @param contextPath the application's context path, "" for the root
     * @param filterName  the filter's name
     * @param bean        the route's bean
     * @return the registration, or null when JMX refused it (logged; the filter works without it)
     */
    public static JmxRegistration register(String contextPath, String filterName, RouteMXBean bean) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String base = "dev.streamproxy:type=Route,context=" + value(contextPath == null || contextPath.isEmpty()
                ? "/" : contextPath) + ",name=" + value(filterName);
        for (int instance = 1; instance <= 100; instance++) {
            try {
                ObjectName name = new ObjectName(instance == 1 ? base : base + ",instance=" + instance);
                server.registerMBean(bean, name);
                return new JmxRegistration(server, name);
            } catch (InstanceAlreadyExistsException taken) {
                // the same context path and filter name elsewhere in this JVM: take the next instance number
            } catch (JMException | RuntimeException e) {
                LOG.warn("[{}] JMX registration failed, the route runs without its MBean: {}", filterName,
                        e.toString());
                return null;
            }
        }
        LOG.warn("[{}] JMX registration failed: 100 routes of that name in this JVM", filterName);
        return null;
    }

    /** A key value, quoted when it holds a character ObjectName reserves. */
    static String value(String raw) {
        for (char c : new char[] {',', '=', ':', '"', '*', '?', '\n'}) {
            if (raw.indexOf(c) >= 0) {
                return ObjectName.quote(raw);
            }
        }
        return raw;
    }

    /** @return the registered name */
    public ObjectName name() {
        return name;
    }

    @Override
    public void close() {
        try {
            server.unregisterMBean(name);
        } catch (JMException | RuntimeException e) {
            LOG.debug("MBean {} was already gone: {}", name, e.toString());
        }
    }
}
