package dev.streamproxy.benchmark.load;

import java.io.IOException;
import java.util.Map;

import dev.streamproxy.benchmark.contenders.Contender;

/**
 * A contender process's counters at one moment, read just before and just after a measured phase: its JVM's
 * {@code /stats} (allocated bytes, GC count) where it has an admin endpoint, and its CPU time and context switches
 * from {@code /proc} where it is a process of ours. What a contender cannot report is {@code NaN} per operation.
 */
record ProcessCounters(Map<String, Long> stats, long cpuNanos, long contextSwitches, boolean admin, boolean process) {

    static ProcessCounters read(Contender c) throws IOException {
        boolean process = c.process() != null;
        return new ProcessCounters(c.hasAdmin() ? c.process().admin("/stats") : Map.of(),
                process ? c.process().cpuNanos() : 0, process ? c.process().contextSwitches() : 0, c.hasAdmin(),
                process);
    }

    /** What the phase from this reading to {@code after} cost per operation. */
    record PerOperation(double allocatedBytes, double cpuMicros, double contextSwitches, long gcCount) {
    }

    /** CPU seconds (user + system) the process spent from this reading to {@code after}; NaN when it is not ours. */
    double cpuSecondsTo(ProcessCounters after) {
        return process ? (after.cpuNanos - cpuNanos) / 1e9 : Double.NaN;
    }

    PerOperation perOperation(ProcessCounters after, long operations) {
        double n = Math.max(1, operations);
        return new PerOperation(
                admin ? (after.stats.get("allocatedBytes") - stats.get("allocatedBytes")) / n : Double.NaN,
                process ? (after.cpuNanos - cpuNanos) / 1e3 / n : Double.NaN,
                process ? (after.contextSwitches - contextSwitches) / n : Double.NaN,
                admin ? after.stats.get("gcCount") - stats.get("gcCount") : 0);
    }
}
