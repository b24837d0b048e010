package dev.streamproxy.internal.header;

import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * The hop-by-hop header policy (RFC 9110 section 7.6.1), applied in both directions: these headers describe one
 * connection and must never be forwarded to the next.
 */
public final class HopByHop {

    private static final Set<String> HEADERS = caseInsensitive(
            "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
            "TE", "Trailer", "Transfer-Encoding", "Upgrade");

    private HopByHop() {
    }

    /** @return true for a header that belongs to one connection only */
    public static boolean isHopByHop(String name) {
        return HEADERS.contains(name);
    }

    /**
     * Collects the header names listed in every {@code Connection} header (several headers, comma lists and empty
     * values all count), which are hop-by-hop for this message too.
     *
     * @param connectionValues every value of the message's {@code Connection} headers
     * @return the listed names, case-insensitive; empty when there are none
     */
    public static Set<String> connectionListed(Iterator<String> connectionValues) {
        Set<String> listed = null;
        while (connectionValues.hasNext()) {
            String value = connectionValues.next();
            if (value == null) {
                continue;
            }
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!name.isEmpty()) {
                    if (listed == null) {
                        listed = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
                    }
                    listed.add(name);
                }
            }
        }
        return listed == null ? Collections.emptySet() : listed;
    }

    /** Servlet-API flavour of {@link #connectionListed(Iterator)}. */
    public static Set<String> connectionListed(Enumeration<String> connectionValues) {
        return connectionValues == null ? Collections.emptySet() : connectionListed(connectionValues.asIterator());
    }

    static Set<String> caseInsensitive(String... names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        Collections.addAll(set, names);
        return Collections.unmodifiableSet(set);
    }
}
