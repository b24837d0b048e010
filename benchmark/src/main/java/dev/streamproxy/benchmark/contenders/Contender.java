package dev.streamproxy.benchmark.contenders;

import java.net.InetSocketAddress;

/**
 * A running contender as the load generator sees it: where to send requests, under which path prefix, and the
 * process to read counters from ({@code null} for direct, whose process is the shared upstream).
 */
public record Contender(String id, String label, int port, String pathPrefix, ChildProcess process, boolean jvm) {

    public static final String STREAMPROXY = "streamproxy-jetty";
    public static final String DIRECT = "direct";

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    public boolean hasAdmin() {
        return jvm && process != null;
    }
}
