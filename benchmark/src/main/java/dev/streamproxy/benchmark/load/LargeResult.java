package dev.streamproxy.benchmark.load;

/**
 * One large streamed transfer through one contender ({@link LargeTransfer}), with the proxy JVM's heap sampled every
 * 2 ms: peak heap used, and the same minus the heap used just before (after a full GC).
 */
public record LargeResult(int rep, String contender, String direction, long bytes, double seconds, double peakHeapMiB,
                          double peakAboveBaseMiB, long gcCount, boolean ok, String note) {
}
