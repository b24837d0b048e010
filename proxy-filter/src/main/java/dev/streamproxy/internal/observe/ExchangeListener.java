package dev.streamproxy.internal.observe;

/** Told about every exchange once it has ended: the access log, the route's counters, Micrometer. */
@FunctionalInterface
public interface ExchangeListener {

    /** @param record the ended exchange; read only */
    void ended(ExchangeRecord record);
}
