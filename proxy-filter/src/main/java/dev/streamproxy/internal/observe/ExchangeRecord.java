package dev.streamproxy.internal.observe;

import java.util.Locale;

/**
 * What one exchange did, filled in as it runs and read once it has ended, by the access log and the metrics. Times
 * are {@link System#nanoTime()} readings; zero means "did not happen".
 */
public final class ExchangeRecord {

    /** How an exchange ended, as the access log and the metrics name it. */
    public enum Outcome {
        /** The upstream's answer reached the client (whatever its status). */
        OK,
        /** The client went away before the end. */
        CLIENT_GONE,
        /** The upstream could not be reached or failed: 502, or a response aborted after its start. */
        UPSTREAM_ERROR,
        /** The upstream did not answer in time: 504. */
        TIMEOUT,
        /** Refused by admission control or a full pool: 503. */
        SHED,
        /** Refused by the proxy before any upstream was contacted: 400, 405, 413, 431, 501. */
        REFUSED;

        /** @return the lower-case, dash-separated name used in log lines and metric tags */
        public String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    final String requestId;
    final String method;
    final String path;
    final long start = System.nanoTime();
    long upstreamStart;
    long responseHead;
    long end;
    int status;
    long bytesIn;
    long bytesOut;
    String target = "-";
    int tries;
    Outcome outcome = Outcome.OK;

    /**
     * @param requestId the exchange's id
     * @param method    the request method
     * @param path      the request path without its query (queries carry secrets)
     */
    public ExchangeRecord(String requestId, String method, String path) {
        this.requestId = requestId;
        this.method = method;
        this.path = path;
    }

    /** @param n response body bytes just written to the client */
    public void addBytesOut(long n) {
        bytesOut += n;
    }

    /** @return the exchange's id */
    public String requestId() {
        return requestId;
    }

    /** The first try starts: what came before was the proxy's own work. */
    public void upstreamStarted() {
        if (upstreamStart == 0) {
            upstreamStart = System.nanoTime();
        }
    }

    /**
     * A try begins on a target.
     *
     * @param address the target's address (or name when unresolved)
     */
    public void tryStarted(String address) {
        upstreamStarted();
        tries++;
        target = address;
    }

    /** The answering try's response head arrived. */
    public void responseHead() {
        responseHead = System.nanoTime();
    }

    /**
     * The exchange is over.
     *
     * @param status   the status the client got (0 when it got none)
     * @param outcome  how it ended
     * @param bytesIn  request body bytes read from the client
     */
    public void end(int status, Outcome outcome, long bytesIn) {
        this.end = System.nanoTime();
        this.status = status;
        this.outcome = outcome;
        this.bytesIn = bytesIn;
    }

    /** @return milliseconds from the start of the exchange to the first try, one decimal's worth of precision */
    public double proxyMillis() {
        return millis(start, upstreamStart == 0 ? end : upstreamStart);
    }

    /** @return milliseconds from the first try to the response head, or -1 when no head came */
    public double upstreamMillis() {
        return responseHead == 0 ? -1 : millis(upstreamStart, responseHead);
    }

    /** @return milliseconds the whole exchange took */
    public double totalMillis() {
        return millis(start, end);
    }

    /** @return the exchange's duration in nanoseconds */
    public long durationNanos() {
        return end - start;
    }

    /** @return the status the client got */
    public int status() {
        return status;
    }

    /** @return how it ended */
    public Outcome outcome() {
        return outcome;
    }

    /** @return the method */
    public String method() {
        return method;
    }

    /** @return the address of the last target tried, or {@code -} */
    public String target() {
        return target;
    }

    /** @return request body bytes read from the client */
    public long bytesIn() {
        return bytesIn;
    }

    /** @return response body bytes written to the client */
    public long bytesOut() {
        return bytesOut;
    }

    /** @return tries made (0 when the request was refused before any) */
    public int tries() {
        return tries;
    }

    /** @return the path without query */
    public String path() {
        return path;
    }

    private static double millis(long from, long to) {
        return Math.max(0, to - from) / 1_000_000.0;
    }
}
