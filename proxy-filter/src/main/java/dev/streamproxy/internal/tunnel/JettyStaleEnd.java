package dev.streamproxy.internal.tunnel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A work-around for Jetty 12.1 (seen on 12.1.14): for a request with neither {@code Content-Length} nor
 * {@code Transfer-Encoding}, which is how every browser sends a WebSocket handshake, Jetty parses the request's end
 * before the application runs and keeps it in the connection's stream. {@code HttpServletRequest.upgrade} then
 * switches the parser to raw bytes but leaves that end in place, so the upgraded input returns -1 at once, the
 * client's frames are never read, and Jetty later parses them as a new HTTP request (a {@code 400} on the tunnel).
 * A handshake with {@code Content-Length: 0} (the JDK's client) is not affected.
 *
 * <p>Right after Jetty has switched the connection (in {@link TunnelHandler#init}, on the thread Jetty upgrades on),
 * a stale end of that kind is dropped, so the first read parses the client's bytes. This reaches into Jetty's
 * internals by reflection, so it is guarded on every step: it acts only on Jetty's own connection, only when the
 * parser is already in its raw-bytes state and only on the end-of-content marker; anywhere else (Tomcat, another
 * Jetty, a module path that forbids the access) it does nothing and says so at DEBUG.
 */
final class JettyStaleEnd {

    private static final Logger LOG = LoggerFactory.getLogger(JettyStaleEnd.class);
    private static final String CONNECTION = "org.eclipse.jetty.server.internal.HttpConnection";

    private JettyStaleEnd() {
    }

    /**
     * @param upgraded the container's upgraded connection, as given to {@code init}
     * @return true when a stale end was dropped
     */
    static boolean drop(Object upgraded) {
        if (!isJetty(upgraded)) {
            return false;
        }
        try {
            ClassLoader loader = upgraded.getClass().getClassLoader();
            Class<?> connectionClass = Class.forName(CONNECTION, false, loader);
            Object connection = connectionClass.getMethod("getCurrentConnection").invoke(null);
            if (connection == null) {
                return false;
            }
            Object parser = field(connectionClass, "_parser").get(connection);
            Object state = parser.getClass().getMethod("getState").invoke(parser);
            if (!"EOF_CONTENT".equals(String.valueOf(state))) {
                return false; // not switched to raw bytes (yet): nothing of ours to correct
            }
            Object stream = ((AtomicReference<?>) field(connectionClass, "_stream").get(connection)).get();
            if (stream == null) {
                return false;
            }
            Field chunk = field(stream.getClass(), "_chunk");
            Object endOfContent = Class.forName("org.eclipse.jetty.io.Content$Chunk", false, loader)
                    .getField("EOF").get(null);
            if (chunk.get(stream) != endOfContent) {
                return false;
            }
            chunk.set(stream, null);
            LOG.debug("dropped the end of the bodiless request Jetty kept in the upgraded connection's input");
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.debug("Jetty's upgraded input could not be checked for a stale end of request: {}", e.toString());
            return false;
        }
    }

    /** @return true when the container's upgraded connection is Jetty's */
    static boolean isJetty(Object upgraded) {
        return upgraded.getClass().getName().startsWith("org.eclipse.jetty.");
    }

    /** @return the declared field {@code name} of {@code type} or of a superclass, made accessible */
    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look further up
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }
}
