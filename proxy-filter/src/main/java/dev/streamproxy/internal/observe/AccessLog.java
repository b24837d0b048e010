package dev.streamproxy.internal.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * The access log ({@code accessLog}): one INFO line per exchange on the logger {@value #LOGGER}, as key=value
 * pairs a log pipeline can split without a grammar:
 *
 * <pre>
 * route=api id=4bf92f3577b34da6a3ce929d0e0e4736 method=GET path=/api/items status=200 in=0 out=5120 ms=12.4
 *     ttfb_ms=11.8 target=10.0.0.5:9000 tries=1 outcome=ok
 * </pre>
 * {@code ms} is the whole exchange, {@code ttfb_ms} the time from the first try to the upstream's response head
 * (time to first upstream byte), {@code in}/{@code out} the body bytes read from and written to the client.
 * The query string is never logged (it carries tokens); neither is any header value. The path is the raw path the
 * client sent, with any character outside visible ASCII escaped, so a client cannot forge a line.
 */
public final class AccessLog implements ExchangeListener {

    /** The logger access lines go to, so they can be routed and levelled apart from the filter's own lines. */
    public static final String LOGGER = "dev.streamproxy.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final String route;

    /** @param route the filter's name */
    public AccessLog(String route) {
        this.route = route;
    }

    @Override
    public void ended(ExchangeRecord r) {
        if (LOG.isInfoEnabled()) {
            LOG.info(line(r));
        }
    }

    String line(ExchangeRecord r) {
        StringBuilder b = new StringBuilder(200);
        b.append("route=").append(route)
                .append(" id=").append(r.requestId())
                .append(" method=").append(safe(r.method()))
                .append(" path=").append(safe(r.path()))
                .append(" status=").append(r.status())
                .append(" in=").append(r.bytesIn())
                .append(" out=").append(r.bytesOut())
                .append(" ms=").append(format(r.totalMillis()))
                .append(" ttfb_ms=").append(r.upstreamMillis() < 0 ? "-" : format(r.upstreamMillis()))
                .append(" target=").append(safe(r.target()))
                .append(" tries=").append(r.tries())
                .append(" outcome=").append(r.outcome().tag());
        return b.toString();
    }

    /** Visible ASCII only, so no value can end the line or split a field: the rest is escaped as {@code %XX}. */
    static String safe(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder b = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                if (b == null) {
                    b = new StringBuilder(value.length() + 16).append(value, 0, i);
                }
                b.append(String.format(Locale.ROOT, "%%%02X", (int) (c & 0xff)));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? value : b.toString();
    }

    static String format(double millis) {
        return String.format(Locale.ROOT, "%.1f", millis);
    }
}
