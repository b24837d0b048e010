package dev.streamproxy.benchmark.load;

/**
 * One measured window: one contender, one scenario, one concurrency, one repetition. Latencies in microseconds
 * (for the SSE scenario: time to the first event). Per-request figures are NaN where they do not apply (no admin
 * endpoint: direct, nginx).
 */
public record CellResult(int rep, String scenario, int concurrency, String contender, long requests, long errors,
                  double seconds, double rps, double p50us, double p90us, double p99us, double p999us, double maxUs,
                  double allocBytesPerRequest, double cpuMicrosPerRequest, double contextSwitchesPerRequest,
                  long gcCount, int connects,
                  String firstError) {

    public static String csvHeader() {
        return "rep,scenario,concurrency,contender,requests,errors,seconds,rps,p50_us,p90_us,p99_us,p999_us,max_us,"
                + "proxy_alloc_bytes_per_req,proxy_cpu_us_per_req,proxy_ctx_switches_per_req,proxy_gc_count,client_connects";
    }

    public String csv() {
        return String.join(",", Integer.toString(rep), scenario, Integer.toString(concurrency), contender,
                Long.toString(requests), Long.toString(errors), fmt(seconds), fmt(rps), fmt(p50us), fmt(p90us),
                fmt(p99us), fmt(p999us), fmt(maxUs), fmt(allocBytesPerRequest), fmt(cpuMicrosPerRequest),
                fmt(contextSwitchesPerRequest),
                Long.toString(gcCount), Integer.toString(connects));
    }

    private static String fmt(double d) {
        return Double.isNaN(d) ? "" : String.format(java.util.Locale.ROOT, "%.1f", d);
    }
}
