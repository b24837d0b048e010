/**
 * The seed's in-process benchmark in JMH ({@link dev.streamproxy.benchmark.jmh.OneMiB}): a 1 MiB request through
 * the filter, the naive filter or no proxy, with the bytes each group of threads allocated per operation. Run by hand
 * ({@code org.openjdk.jmh.Main OneMiB -prof gc}); the build only compiles it.
 */
package dev.streamproxy.benchmark.jmh;
