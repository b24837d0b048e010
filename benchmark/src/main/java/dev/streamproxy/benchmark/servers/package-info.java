/**
 * What runs in the child JVMs the harness starts: the {@link dev.streamproxy.benchmark.servers.Upstream}, the
 * {@link dev.streamproxy.benchmark.servers.ContenderServer} (one proxy in one container, with its
 * {@link dev.streamproxy.benchmark.servers.Admin} endpoint), the naive filter it may host, and the
 * {@link dev.streamproxy.benchmark.servers.PatternData} every body is made of on both sides.
 */
package dev.streamproxy.benchmark.servers;
