package dev.streamproxy;

/**
 * A snapshot of one target of a route: one address of one configured {@code targetUri}.
 *
 * @param uri        the configured target URI it comes from
 * @param address    the address and port exchanges go to ({@code 10.0.0.5:9000}, {@code [fd00::5]:9000}), or null
 *                   while the name does not resolve (it is then resolved at connect time)
 * @param weight     its share relative to the route's other targets
 * @param state      healthy, ejected or draining
 * @param inFlight   exchanges running on it now
 * @param exchanges  exchanges sent to it since start (each try counts)
 * @param failures   tries that failed before a response head (refused, reset, closed, timed out)
 * @param ejections  how many times it was ejected
 * @param pool       its connections: leased, available, pending, and the per-target maximum
 */
public record TargetStatistics(String uri, String address, int weight, TargetState state, int inFlight,
                               long exchanges, long failures, long ejections, PoolStatistics pool) {
}
