package dev.streamproxy.it.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The container hosts of the matrix. Which ones a JVM can run depends on its classpath (Tomcat 10.1 and 11 cannot
 * share one), so the build names them in the system property {@code streamproxy.it.hosts}; implementations are
 * loaded by name, so a host whose classes are absent is never touched.
 */
public enum HostKind {
    JETTY_EE10("jetty-ee10", "6.0", "dev.streamproxy.it.host.JettyEe10Host"),
    JETTY_EE11("jetty-ee11", "6.1", "dev.streamproxy.it.host.JettyEe11Host"),
    TOMCAT_10("tomcat-10", "6.0", "dev.streamproxy.it.host.TomcatHost"),
    TOMCAT_11("tomcat-11", "6.1", "dev.streamproxy.it.host.TomcatHost");

    /** System property listing the hosts this JVM runs, comma-separated ids. */
    public static final String HOSTS_PROPERTY = "streamproxy.it.hosts";
    /** The value that names no host: a JVM whose classpath has no embedded container. */
    public static final String NONE = "none";
    /** What runs when the property is absent (an IDE run with the module's full test classpath). */
    public static final String DEFAULT_HOSTS = "jetty-ee10,jetty-ee11,tomcat-11";

    private final String id;
    private final String servletVersion;
    private final String implementation;

    HostKind(String id, String servletVersion, String implementation) {
        this.id = id;
        this.servletVersion = servletVersion;
        this.implementation = implementation;
    }

    public String id() {
        return id;
    }

    /** @return the Servlet specification version this host implements, e.g. {@code 6.1} */
    public String servletVersion() {
        return servletVersion;
    }

    public boolean isJetty() {
        return this == JETTY_EE10 || this == JETTY_EE11;
    }

    public boolean isTomcat() {
        return !isJetty();
    }

    /** @return a new, not yet started host of this kind */
    public ContainerHost create() {
        try {
            return (ContainerHost) Class.forName(implementation).getConstructor(HostKind.class).newInstance(this);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("host " + id + " cannot be created on this classpath (" + HOSTS_PROPERTY
                    + " names hosts whose jars are not here?)", e);
        }
    }

    /** @return the hosts named by {@link #HOSTS_PROPERTY}, in declaration order */
    public static List<HostKind> enabled() {
        String names = System.getProperty(HOSTS_PROPERTY, DEFAULT_HOSTS).toLowerCase(Locale.ROOT);
        List<HostKind> kinds = new ArrayList<>();
        for (String n : names.split(",")) {
            if (!n.isBlank() && !n.strip().equals(NONE)) {
                kinds.add(byId(n.strip()));
            }
        }
        return kinds;
    }

    public static HostKind byId(String id) {
        for (HostKind k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown host '" + id + "'; known: jetty-ee10, jetty-ee11, tomcat-10, tomcat-11");
    }

    @Override
    public String toString() {
        return id;
    }
}
