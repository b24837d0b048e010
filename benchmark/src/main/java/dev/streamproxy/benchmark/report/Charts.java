package dev.streamproxy.benchmark.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.load.CellResult;
import dev.streamproxy.benchmark.load.Scenario;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** The PNG charts of a run, drawn with XChart. */
final class Charts {

    private static final java.util.Map<String, java.awt.Color> COLORS = java.util.Map.of(
            Contender.STREAMPROXY, new java.awt.Color(0x1f, 0x4e, 0x9c),
            "streamproxy-tomcat", new java.awt.Color(0x6b, 0xae, 0xd6),
            "naive", new java.awt.Color(0x99, 0x99, 0x99),
            "jetty-proxyservlet", new java.awt.Color(0xff, 0x7f, 0x0e),
            "smiley", new java.awt.Color(0x94, 0x67, 0xbd),
            "nginx", new java.awt.Color(0x2c, 0xa0, 0x2c));

    private Charts() {
    }

    private static void color(org.knowm.xchart.CategorySeries series, String contender) {
        java.awt.Color c = COLORS.get(contender);
        if (c != null) {
            series.setFillColor(c);
        }
    }

    /** Requests/s of each proxy as a percentage of direct, per scenario and concurrency, with min–max error bars. */
    static void throughput(RunRecord run, Summary summary, Path file) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(1200).height(560)
                .title("Requests/s as % of direct (client -> upstream), median of " + run.reps + " repetition(s), min-max bars")
                .xAxisTitle("scenario, concurrency").yAxisTitle("% of direct").theme(Styler.ChartTheme.GGPlot2).build();
        style(chart);
        List<String> categories = new ArrayList<>();
        for (Scenario s : List.of(Scenario.POST_1M, Scenario.GET_1M, Scenario.GET_1K)) {
            for (int c : run.concurrencies) {
                categories.add(s.title + " c=" + c);
            }
        }
        for (String contender : run.contenders) {
            if (contender.equals(Contender.DIRECT)) {
                continue;
            }
            List<Double> y = new ArrayList<>();
            List<Double> err = new ArrayList<>();
            for (Scenario s : List.of(Scenario.POST_1M, Scenario.GET_1M, Scenario.GET_1K)) {
                for (int c : run.concurrencies) {
                    Summary.Spread r = summary.ratio(s.id, c, contender, Contender.DIRECT, CellResult::rps);
                    y.add(r.present() ? 100 * r.median() : 0.0);
                    err.add(r.present() ? 100 * (r.max() - r.min()) / 2 : 0.0);
                }
            }
            color(chart.addSeries(run.labels.get(contender), categories, y, err), contender);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** KiB allocated on the heap of the proxy JVM per request (log scale), at the highest concurrency. */
    static void allocation(RunRecord run, Summary summary, Path file) throws IOException {
        int c = run.concurrencies[run.concurrencies.length - 1];
        CategoryChart chart = new CategoryChartBuilder().width(1200).height(520)
                .title("Heap allocated by the proxy JVM per request, KiB (log scale), concurrency " + c)
                .xAxisTitle("scenario").yAxisTitle("KiB / request").theme(Styler.ChartTheme.GGPlot2).build();
        style(chart);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(0.1); // bars need a floor on a log axis
        List<String> categories = new ArrayList<>();
        for (Scenario s : List.of(Scenario.POST_1M, Scenario.GET_1M, Scenario.GET_1K)) {
            categories.add(s.title);
        }
        for (String contender : run.contenders) {
            List<Double> y = new ArrayList<>();
            boolean any = false;
            for (Scenario s : List.of(Scenario.POST_1M, Scenario.GET_1M, Scenario.GET_1K)) {
                Summary.Spread a = summary.spread(s.id, c, contender, CellResult::allocBytesPerRequest);
                any |= a.present();
                y.add(a.present() ? Math.max(0.1, a.median() / 1024) : 0.1);
            }
            if (any) {
                color(chart.addSeries(run.labels.get(contender), categories, y), contender);
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void style(CategoryChart chart) {
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setAvailableSpaceFill(0.85);
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    }
}
