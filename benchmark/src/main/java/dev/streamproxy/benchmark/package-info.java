/**
 * The benchmark's conductor: {@link dev.streamproxy.benchmark.Main} reads the {@link dev.streamproxy.benchmark.Options}
 * and runs one mode: the race ({@link dev.streamproxy.benchmark.Race}, with its SSE concurrency
 * {@link dev.streamproxy.benchmark.Ramp}), {@code --huge} ({@link dev.streamproxy.benchmark.Huge}), {@code --profile}
 * ({@link dev.streamproxy.benchmark.Profile}), {@code --fleet} ({@link dev.streamproxy.benchmark.Fleet}, with its
 * {@link dev.streamproxy.benchmark.Failover} runs), {@code --websocket}
 * ({@link dev.streamproxy.benchmark.WebSocketTunnels}) or {@code --streams} ({@link dev.streamproxy.benchmark.Streams}). The other packages hold the parts a mode puts together:
 * {@code servers} (what runs in the child JVMs), {@code contenders} (starting them and reading their counters),
 * {@code load} (the load generator), {@code report} (the files a run writes); and two tools of their own:
 * {@code startup} (the start-up comparison of the two filter jars), {@code jmh} (the seed's in-process benchmark).
 */
package dev.streamproxy.benchmark;
