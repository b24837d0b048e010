package dev.streamproxy.benchmark.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.streamproxy.benchmark.load.CellResult;
import dev.streamproxy.benchmark.load.FailoverLoop;

/**
 * What {@code --fleet} measured beyond the {@link RunRecord}'s run information: every closed-loop cell with the
 * requests each upstream received during it, and every failover run.
 */
public final class FleetRecord {

    /** One closed-loop cell and how many requests each upstream got during it (warm-up included). */
    public record Cell(CellResult result, long[] perUpstream) {
    }

    /**
     * One failover loop through one proxy with upstream {@code victim} killed in it. {@code reached} says for each
     * failed request's id how far it is known to have got:
     * <ul>
     *   <li>{@code killed}: the killed upstream recorded it (its application had the request head)</li>
     *   <li>{@code other}: only another upstream recorded it</li>
     *   <li>{@code in-flight}: no upstream recorded it, and the client sent it before the killed process was gone: the
     *   proxy may have sent it to that process, which died before reading it</li>
     *   <li>{@code after}: no upstream recorded it, and the client sent it after the killed process was gone: it
     *   cannot have reached it (a reused connection the kernel had already reset, or a failed connect)</li>
     * </ul>
     * {@code resent} counts requests (failed or not) that both the killed upstream and another one recorded: sent
     * again after the first had them. {@code retries} is the proxy's own count (streamproxy's
     * {@code RouteStatistics.retries}; -1 for nginx).
     */
    public record Failover(int rep, String contender, String scenario, String victim, FailoverLoop.Result loop,
                           Map<String, String> reached, long resent, long retries, boolean allServingBefore) {

        public static final String KILLED = "killed";
        public static final String OTHER = "other";
        public static final String IN_FLIGHT = "in-flight";
        public static final String AFTER = "after";

        /** How many failed requests are known to have got this far ({@link #KILLED}, {@link #OTHER}, ...). */
        public long failed(String reach) {
            return reached.values().stream().filter(reach::equals).count();
        }

        /**
         * The failed requests the goal does not excuse: for a GET every one; for a POST those that neither reached
         * the killed upstream nor may have (in flight when it died).
         */
        public long unexcused(boolean post) {
            return post ? failed(OTHER) + failed(AFTER) : loop.failed();
        }

        /** Failures by what went wrong, most frequent first: {@code status 502 ×3; EOFException ×1}. */
        public String kinds() {
            Map<String, Long> n = new TreeMap<>();
            for (FailoverLoop.Failure f : loop.failures()) {
                String what = f.what().length() > 60 ? f.what().substring(0, 60) + "…" : f.what();
                n.merge(what, 1L, Long::sum);
            }
            return String.join("; ", n.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .map(e -> e.getKey() + " ×" + e.getValue()).toList());
        }
    }

    /** The upstreams' names in order (A, B, C). */
    public final List<String> upstreams = new ArrayList<>();
    public final List<Cell> cells = new ArrayList<>();
    public final List<Failover> failovers = new ArrayList<>();
    /** Each three-target contender and the one-target contender its figures are divided by. */
    public final Map<String, String> baselines = new LinkedHashMap<>();
}
