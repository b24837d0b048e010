/**
 * The load generator: closed-loop cells ({@link dev.streamproxy.benchmark.load.LoadRunner} over blocking keep-alive
 * connections and an allocation-free response parser), the long-lived SSE streams
 * ({@link dev.streamproxy.benchmark.load.SseFleet}) and the large checked transfers
 * ({@link dev.streamproxy.benchmark.load.LargeTransfer}), and the results they measure.
 */
package dev.streamproxy.benchmark.load;
