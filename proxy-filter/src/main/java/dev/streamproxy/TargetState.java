package dev.streamproxy;

/** What a target of a route is doing, as {@link TargetStatistics} reports it. */
public enum TargetState {
    /** Takes exchanges. */
    HEALTHY,
    /**
     * Failed {@code maxFails} times in a row (or an active health check): gets no exchange until its
     * {@code failTimeout} has passed, then one trial; used anyway when every target of the route is ejected.
     */
    EJECTED,
    /** Its address left DNS: finishes the exchanges it has, gets no new ones, and is then removed. */
    DRAINING
}
