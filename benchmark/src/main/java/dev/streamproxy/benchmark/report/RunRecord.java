package dev.streamproxy.benchmark.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.streamproxy.benchmark.load.CellResult;
import dev.streamproxy.benchmark.load.LargeResult;
import dev.streamproxy.benchmark.load.SseFleet;

/** Everything one run measured, plus what it ran on; the report is written from this alone. */
public final class RunRecord {

    /** One repetition of N long-lived SSE streams through one contender. */
    public record Held(int rep, String contender, SseFleet.Result result) {
    }

    /** One level of the streamproxy SSE concurrency ramp. */
    public record RampLevel(String variant, String settings, int streams, SseFleet.Result result, double heapKiBPerStream) {
    }

    public final Map<String, String> info = new LinkedHashMap<>();
    public final List<String> notes = new ArrayList<>();
    public final List<CellResult> cells = new ArrayList<>();
    public final List<Held> held = new ArrayList<>();
    public final List<RampLevel> ramp = new ArrayList<>();
    public final List<LargeResult> large = new ArrayList<>();
    public final List<String> contenders = new ArrayList<>();
    public final Map<String, String> labels = new LinkedHashMap<>();
    public java.nio.file.Path logDir;
    public int reps;
    public int heldStreams;
    public int heldEvents;
    public int heldIntervalMs;
    public int openRate;
    public int[] concurrencies = {1, 16};

    /** Writes the run's facts as a two-column Markdown table, then its notes, for the top of a report. */
    public void appendInfoAndNotes(StringBuilder md) {
        md.append("| | |\n|---|---|\n");
        info.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n"));
        md.append('\n');
        for (String n : notes) {
            md.append("- Note: ").append(n).append('\n');
        }
        if (!notes.isEmpty()) {
            md.append('\n');
        }
    }
}
