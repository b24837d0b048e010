package dev.streamproxy.benchmark.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

import dev.streamproxy.benchmark.load.CellResult;

/** Medians and spreads over the repetitions of one cell, and ratios computed within each repetition. */
final class Summary {

    private final List<CellResult> results;

    Summary(List<CellResult> results) {
        this.results = results;
    }

    List<CellResult> cells(String scenario, int concurrency, String contender) {
        List<CellResult> out = new ArrayList<>();
        for (CellResult r : results) {
            if (r.scenario().equals(scenario) && r.concurrency() == concurrency && r.contender().equals(contender)) {
                out.add(r);
            }
        }
        return out;
    }

    boolean has(String scenario, int concurrency, String contender) {
        return !cells(scenario, concurrency, contender).isEmpty();
    }

    Spread spread(String scenario, int concurrency, String contender, ToDoubleFunction<CellResult> f) {
        return Spread.of(cells(scenario, concurrency, contender).stream().mapToDouble(f).toArray());
    }

    long errors(String scenario, int concurrency, String contender) {
        return cells(scenario, concurrency, contender).stream().mapToLong(CellResult::errors).sum();
    }

    /** a's figure divided by b's, computed within each repetition (so machine drift cancels), then summarized. */
    Spread ratio(String scenario, int concurrency, String a, String b, ToDoubleFunction<CellResult> f) {
        List<Double> ratios = new ArrayList<>();
        for (CellResult ra : cells(scenario, concurrency, a)) {
            for (CellResult rb : cells(scenario, concurrency, b)) {
                if (ra.rep() == rb.rep() && ra.requests() > 0 && rb.requests() > 0) {
                    ratios.add(f.applyAsDouble(ra) / f.applyAsDouble(rb));
                }
            }
        }
        return Spread.of(ratios.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Median with min and max; NaN when there is nothing. */
    record Spread(double median, double min, double max, int n) {
        static Spread of(double[] values) {
            double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d) && !Double.isInfinite(d)).sorted().toArray();
            if (v.length == 0) {
                return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
            }
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            return new Spread(median, v[0], v[v.length - 1], v.length);
        }

        boolean present() {
            return n > 0;
        }

        /** "1234 (1200–1260)" or "1234" for a single value. */
        String show(String format) {
            if (n == 0) {
                return "–";
            }
            String m = String.format(Locale.ROOT, format, median);
            if (n == 1 || Objects.equals(String.format(Locale.ROOT, format, min), String.format(Locale.ROOT, format, max))) {
                return m;
            }
            return m + " (" + String.format(Locale.ROOT, format, min) + "–" + String.format(Locale.ROOT, format, max) + ")";
        }
    }
}
