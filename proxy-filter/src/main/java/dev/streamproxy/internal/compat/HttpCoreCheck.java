package dev.streamproxy.internal.compat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Checks, before anything else is loaded, that the class path holds an HttpCore 5 the filter can run on, so an
 * application whose dependency management chose an older one fails at {@code init()} with the fix in the message
 * rather than with a {@link LinkageError} on the first request.
 *
 * <p>The filter uses HttpCore's classic API only (not HttpClient), as it is in httpcore5 5.3 and later: the line
 * that httpclient5 5.4, 5.5 and 5.6 bring. The versions are read from the {@code version.properties} files both
 * libraries ship; where none can be read (a repackaged jar), the API itself is probed.
 */
public final class HttpCoreCheck {

    /** The oldest httpcore5 the filter runs on. */
    public static final String MINIMUM = "5.3";
    /** The version the filter is built and tested with, suggested in the fix. */
    public static final String SUGGESTED = "5.4.4";
    /** The httpclient5 release that brings {@link #SUGGESTED}, for applications that manage HttpClient. */
    public static final String SUGGESTED_CLIENT = "5.6.5";
    static final String SUPPORTED = "httpcore5 5.3.x and 5.4.x (what httpclient5 5.4.x, 5.5.x and 5.6.x bring)";

    private HttpCoreCheck() {
    }

    /**
     * @param loader the class loader the filter's classes come from
     * @throws IllegalStateException with the version found, the versions supported and the fix
     */
    public static void require(ClassLoader loader) {
        String core = version(loader, "org/apache/hc/core5/version.properties");
        String client = version(loader, "org/apache/hc/client5/version.properties");
        String problem = problem(core, apiPresent(loader));
        if (problem != null) {
            throw new IllegalStateException(message(problem, core, client));
        }
    }

    /** @return what is wrong, or null when the class path is fine */
    static String problem(String coreVersion, boolean apiPresent) {
        if (coreVersion == null && !apiPresent) {
            return "httpcore5 " + MINIMUM + " or newer is not on the class path";
        }
        if (coreVersion != null && compare(coreVersion, MINIMUM) < 0) {
            return "httpcore5 " + coreVersion + " is older than " + MINIMUM;
        }
        if (!apiPresent) {
            return "httpcore5 " + coreVersion + " lacks the classic API of " + MINIMUM;
        }
        return null;
    }

    static String message(String problem, String core, String client) {
        return "streamproxy needs httpcore5 " + MINIMUM + " or newer: " + problem
                + " (found on the class path: httpcore5 " + (core == null ? "unknown" : core)
                + (client == null ? "" : ", httpclient5 " + client) + "; supported: " + SUPPORTED + ")."
                + " Fix it with one line: Maven: <httpcore5.version>" + SUGGESTED + "</httpcore5.version> in"
                + " <properties> under a Spring Boot parent, else a dependency on"
                + " org.apache.httpcomponents.core5:httpcore5:" + SUGGESTED + ";"
                + " Gradle: implementation 'org.apache.httpcomponents.core5:httpcore5:" + SUGGESTED + "'"
                + " (with the Spring Boot plugin: ext['httpcore5.version'] = '" + SUGGESTED + "');"
                + " Spring Boot: set the build properties httpcore5.version=" + SUGGESTED
                + " (and httpclient5.version=" + SUGGESTED_CLIENT + " if the application uses HttpClient 5).";
    }

    /** Compares dotted release numbers by their numeric parts: {@code 5.3 < 5.3.1 < 5.10}; suffixes are ignored. */
    static int compare(String a, String b) {
        String[] x = a.split("[.-]");
        String[] y = b.split("[.-]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int d = Integer.compare(number(x, i), number(y, i));
            if (d != 0) {
                return d;
            }
        }
        return 0;
    }

    private static int number(String[] parts, int i) {
        if (i >= parts.length) {
            return 0;
        }
        try {
            return Integer.parseInt(parts[i]);
        } catch (NumberFormatException e) {
            return 0; // "alpha1", "SNAPSHOT": a pre-release counts as its release
        }
    }

    private static String version(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("info.release");
            return v == null || v.isBlank() || v.startsWith("${") ? null : v.trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The 5.3 API the filter calls, probed by reflection so nothing is linked before the check passes. */
    private static boolean apiPresent(ClassLoader loader) {
        try {
            Class<?> connection = Class.forName("org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection",
                    false, loader);
            connection.getMethod("bind", javax.net.ssl.SSLSocket.class, java.net.Socket.class);
            Class.forName("org.apache.hc.core5.http.io.HttpMessageParserFactory", false, loader).getMethod("create");
            Class.forName("org.apache.hc.core5.http.io.ResponseOutOfOrderStrategy", false, loader);
            Class.forName("org.apache.hc.core5.pool.StrictConnPool", false, loader);
            return true;
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }
}
