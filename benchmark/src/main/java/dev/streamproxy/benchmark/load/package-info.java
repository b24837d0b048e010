/**
 * The load generator: closed-loop cells ({@link dev.streamproxy.benchmark.load.LoadRunner} over blocking keep-alive
 * connections and an allocation-free response parser), the long-lived SSE streams
 * ({@link dev.streamproxy.benchmark.load.SseFleet}, and {@link dev.streamproxy.benchmark.load.StreamLevel} with its
 * {@link dev.streamproxy.benchmark.load.Probe} of the application's own page for {@code --streams}), the large checked
 * transfers ({@link dev.streamproxy.benchmark.load.LargeTransfer}), and the results they measure.
 */
package dev.streamproxy.benchmark.load;
