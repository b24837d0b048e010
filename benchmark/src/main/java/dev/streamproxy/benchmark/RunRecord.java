package dev.streamproxy.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one run measured, plus what it ran on; the report is written from this alone. */
final class RunRecord {

    /** One repetition of N long-lived SSE streams through one contender. */
    record Held(int rep, String contender, SseFleet.Result result) {
    }

    /** One level of the streamproxy SSE concurrency ramp. */
    record RampLevel(String variant, String settings, int streams, SseFleet.Result result, double heapKiBPerStream) {
    }

    /** One large streamed transfer through one contender, with the proxy JVM's heap sampled every 2 ms. */
    record Large(int rep, String contender, String direction, long bytes, double seconds, double peakHeapMiB,
                 double peakAboveBaseMiB, long gcCount, boolean ok, String note) {
    }

    final Map<String, String> info = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    final List<CellResult> cells = new ArrayList<>();
    final List<Held> held = new ArrayList<>();
    final List<RampLevel> ramp = new ArrayList<>();
    final List<Large> large = new ArrayList<>();
    final List<String> contenders = new ArrayList<>();
    final Map<String, String> labels = new LinkedHashMap<>();
    java.nio.file.Path logDir;
    int reps;
    int heldStreams;
    int heldEvents;
    int heldIntervalMs;
    int openRate;
    int[] concurrencies = {1, 16};
}
