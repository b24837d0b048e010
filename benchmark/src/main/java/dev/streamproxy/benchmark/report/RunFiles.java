package dev.streamproxy.benchmark.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.streamproxy.benchmark.load.CellResult;
import dev.streamproxy.benchmark.load.LargeResult;
import dev.streamproxy.benchmark.load.SseFleet;

/**
 * Reads a run back from the files it wrote ({@code run-info.tsv}, {@code raw.csv}, {@code sse.csv},
 * {@code large.csv}), so {@code --report-only} can redraw the report and the charts, for example after {@code --huge}
 * added its line, without measuring again.
 */
public final class RunFiles {

    private RunFiles() {
    }

    static void writeInfo(RunRecord run, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        run.info.forEach((k, v) -> lines.add("info\t" + k + "\t" + v));
        run.labels.forEach((k, v) -> lines.add("label\t" + k + "\t" + v));
        run.contenders.forEach(c -> lines.add("contender\t" + c + "\t"));
        run.notes.forEach(n -> lines.add("note\t" + n.replace('\t', ' ') + "\t"));
        lines.add("reps\t" + run.reps + "\t");
        lines.add("held\t" + run.heldStreams + "\t" + run.heldEvents + "," + run.heldIntervalMs + "," + run.openRate);
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    public static RunRecord read(Path dir) throws IOException {
        RunRecord run = new RunRecord();
        for (String line : Files.readAllLines(dir.resolve("run-info.tsv"), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", 3);
            switch (f[0]) {
                case "info" -> run.info.put(f[1], f[2]);
                case "label" -> run.labels.put(f[1], f[2]);
                case "contender" -> run.contenders.add(f[1]);
                case "note" -> run.notes.add(f[1]);
                case "reps" -> run.reps = Integer.parseInt(f[1]);
                case "held" -> {
                    run.heldStreams = Integer.parseInt(f[1]);
                    String[] h = f[2].split(",");
                    run.heldEvents = Integer.parseInt(h[0]);
                    run.heldIntervalMs = Integer.parseInt(h[1]);
                    run.openRate = Integer.parseInt(h[2]);
                }
                default -> { }
            }
        }
        for (String[] f : rows(dir.resolve("raw.csv"))) {
            run.cells.add(new CellResult(i(f[0]), f[1], i(f[2]), f[3], l(f[4]), l(f[5]), d(f[6]), d(f[7]), d(f[8]),
                    d(f[9]), d(f[10]), d(f[11]), d(f[12]), d(f[13]), d(f[14]), d(f[15]), l(f[16]), i(f[17]), null));
        }
        for (String[] f : rows(dir.resolve("sse.csv"))) {
            SseFleet.Result r = new SseFleet.Result(i(f[3]), i(f[4]), i(f[3]) - i(f[4]), l(f[5]), l(f[6]), d(f[7]),
                    d(f[8]), d(f[9]), d(f[10]), d(f[11]), d(f[12]), Boolean.parseBoolean(f[13]), f[14].isEmpty() ? null : f[14]);
            if (f[0].equals("held")) {
                run.held.add(new RunRecord.Held(i(f[1]), f[2], r));
            } else {
                String settings = f[2].replace(';', ',');
                int streams = i(f[3]);
                run.ramp.add(new RunRecord.RampLevel(f[1].replace(';', ','), settings, streams, r, f.length > 15 ? d(f[15]) : Double.NaN));
            }
        }
        for (String[] f : rows(dir.resolve("large.csv"))) {
            run.large.add(new LargeResult(i(f[0]), f[1], f[2], l(f[3]), d(f[4]), d(f[5]), d(f[6]), l(f[7]),
                    Boolean.parseBoolean(f[8]), f.length > 9 && !f[9].isEmpty() ? f[9] : null));
        }
        return run;
    }

    private static List<String[]> rows(Path file) throws IOException {
        List<String[]> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            out.add(line.split(",", -1));
        }
        return out;
    }

    private static int i(String s) {
        return Integer.parseInt(s);
    }

    private static long l(String s) {
        return Long.parseLong(s);
    }

    private static double d(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }
}
