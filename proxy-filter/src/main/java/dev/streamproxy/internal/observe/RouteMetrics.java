package dev.streamproxy.internal.observe;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The route's own counters, fed by every ended exchange: totals by outcome and bytes each way. Contention-free
 * ({@link LongAdder}), read by the statistics, the JMX bean and the Micrometer meters alike.
 */
public final class RouteMetrics implements ExchangeListener {

    private final Map<ExchangeRecord.Outcome, LongAdder> byOutcome = new EnumMap<>(ExchangeRecord.Outcome.class);
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();

    /** Counters at zero. */
    public RouteMetrics() {
        for (ExchangeRecord.Outcome o : ExchangeRecord.Outcome.values()) {
            byOutcome.put(o, new LongAdder());
        }
    }

    @Override
    public void ended(ExchangeRecord r) {
        byOutcome.get(r.outcome()).increment();
        bytesIn.add(r.bytesIn());
        bytesOut.add(r.bytesOut());
    }

    /**
     * @param outcome one way an exchange ends
     * @return exchanges that ended that way since start
     */
    public long count(ExchangeRecord.Outcome outcome) {
        return byOutcome.get(outcome).sum();
    }

    /** @return request body bytes read from clients since start */
    public long bytesIn() {
        return bytesIn.sum();
    }

    /** @return response body bytes written to clients since start */
    public long bytesOut() {
        return bytesOut.sum();
    }
}
