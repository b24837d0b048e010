/**
 * The harness' side of the processes: {@link dev.streamproxy.benchmark.contenders.Launcher} starts the upstream and
 * the contender JVMs, {@link dev.streamproxy.benchmark.contenders.Nginx} starts nginx,
 * {@link dev.streamproxy.benchmark.contenders.ChildProcess} owns each process (log, READY line, CPU and context-switch
 * counters, admin calls, clean-up), and a {@link dev.streamproxy.benchmark.contenders.Contender} is one as the load
 * generator sees it.
 */
package dev.streamproxy.benchmark.contenders;
