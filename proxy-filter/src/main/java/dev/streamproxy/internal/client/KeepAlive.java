package dev.streamproxy.internal.client;

import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.message.BasicHeaderElementIterator;
import org.apache.hc.core5.http.HeaderElement;

import java.util.Iterator;

/** How long a connection may stay idle in the pool: the upstream's {@code Keep-Alive: timeout=N}, if shorter. */
public final class KeepAlive {

    private KeepAlive() {
    }

    /**
     * @param response    the response that ended the exchange
     * @param idleTimeout the configured {@code idleTimeout} in milliseconds
     * @return the idle time allowed, in milliseconds
     */
    public static long millis(HttpResponse response, long idleTimeout) {
        if (response == null || !response.containsHeader("Keep-Alive")) {
            return idleTimeout;
        }
        Iterator<HeaderElement> it = new BasicHeaderElementIterator(response.headerIterator("Keep-Alive"));
        while (it.hasNext()) {
            HeaderElement e = it.next();
            if ("timeout".equalsIgnoreCase(e.getName()) && e.getValue() != null) {
                try {
                    // a quarter less than the upstream promised: it closes at its timeout, and a request sent
                    // just before that would meet a connection closing under it
                    long upstream = Math.max(0, Long.parseLong(e.getValue().trim())) * 750;
                    return Math.min(idleTimeout, upstream);
                } catch (NumberFormatException ignored) {
                    return idleTimeout;
                }
            }
        }
        return idleTimeout;
    }
}
