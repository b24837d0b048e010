package dev.streamproxy.internal.observe;

/**
 * The JMX view of one route, registered as {@code dev.streamproxy:type=Route,context=<context path>,name=<filter>}
 * while the filter lives. Counters are since start; states and pools are read when asked.
 */
public interface RouteMXBean {

    /** @return requests the route has handled (refused and shed ones included) */
    long getRequests();

    /** @return exchanges running now */
    int getInFlight();

    /** @return exchanges whose answer reached the client */
    long getOk();

    /** @return exchanges that got 502, or were aborted after their start, because of the upstream */
    long getUpstreamErrors();

    /** @return exchanges that got 504 */
    long getTimeouts();

    /** @return exchanges whose client went away */
    long getClientGone();

    /** @return requests refused with 503 (admission control, a full pool) */
    long getShed();

    /** @return requests refused before an upstream was contacted (400, 405, 413, 431, 501) */
    long getRefused();

    /** @return tries after the first */
    long getRetries();

    /** @return request body bytes read from clients */
    long getBytesIn();

    /** @return response body bytes written to clients */
    long getBytesOut();

    /** @return connections lent to exchanges now, over every target */
    int getLeasedConnections();

    /** @return idle pooled connections now, over every target */
    int getAvailableConnections();

    /** @return exchanges waiting for a connection now */
    int getPendingConnections();

    /** @return upgraded connections (WebSocket) open now */
    int getOpenTunnels();

    /** @return bytes from clients to upstreams through tunnels */
    long getTunnelBytesUp();

    /** @return bytes from upstreams to clients through tunnels */
    long getTunnelBytesDown();

    /** @return one entry per target */
    TargetInfo[] getTargets();

    /** One target, as JMX shows it (an open type: a composite of simple values). */
    final class TargetInfo {
        private final String uri;
        private final String address;
        private final String state;
        private final int inFlight;
        private final long exchanges;
        private final long failures;
        private final long ejections;
        private final int leased;
        private final int available;
        private final int pending;

        /** The values of one target. */
        @javax.management.ConstructorParameters({"uri", "address", "state", "inFlight", "exchanges", "failures",
            "ejections", "leased", "available", "pending"})
        public TargetInfo(String uri, String address, String state, int inFlight, long exchanges, long failures,
                          long ejections, int leased, int available, int pending) {
            this.uri = uri;
            this.address = address;
            this.state = state;
            this.inFlight = inFlight;
            this.exchanges = exchanges;
            this.failures = failures;
            this.ejections = ejections;
            this.leased = leased;
            this.available = available;
            this.pending = pending;
        }

        /** @return the configured target URI */
        public String getUri() {
            return uri;
        }

        /** @return the address, or the name when unresolved */
        public String getAddress() {
            return address;
        }

        /** @return HEALTHY, EJECTED or DRAINING */
        public String getState() {
            return state;
        }

        /** @return exchanges running on it */
        public int getInFlight() {
            return inFlight;
        }

        /** @return exchanges sent to it */
        public long getExchanges() {
            return exchanges;
        }

        /** @return failures before a response head */
        public long getFailures() {
            return failures;
        }

        /** @return ejections */
        public long getEjections() {
            return ejections;
        }

        /** @return connections lent to exchanges */
        public int getLeased() {
            return leased;
        }

        /** @return idle pooled connections */
        public int getAvailable() {
            return available;
        }

        /** @return exchanges waiting for one of its connections */
        public int getPending() {
            return pending;
        }
    }
}
