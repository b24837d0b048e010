/**
 * What a run writes: the {@link dev.streamproxy.benchmark.report.RunRecord} of everything measured, the
 * {@link dev.streamproxy.benchmark.report.Report} ({@code results.md}, the CSV files, the charts, the README
 * snippet), {@link dev.streamproxy.benchmark.report.RunFiles} to read a run back for {@code --report-only}, and the
 * JFR allocation breakdown of {@code --profile}.
 */
package dev.streamproxy.benchmark.report;
