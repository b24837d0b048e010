package dev.streamproxy;

/**
 * A snapshot of one filter's upstream connection pool.
 *
 * @param leased    connections currently lent to an exchange; zero when the proxy is idle, or a connection leaked
 * @param available idle keep-alive connections ready for reuse
 * @param pending   exchanges waiting for a connection
 * @param max       the pool's size ({@link ProxyConfig#maxConnections()})
 */
public record PoolStatistics(int leased, int available, int pending, int max) {
}
