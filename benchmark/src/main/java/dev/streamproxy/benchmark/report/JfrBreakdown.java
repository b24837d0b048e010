package dev.streamproxy.benchmark.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a proxy JVM's heap allocation goes, from a JFR recording ({@code --jfr}): the share of sampled bytes per
 * layer (the container, HttpClient, streamproxy's own code, the benchmark's admin endpoint), the allocation sites
 * whose nearest streamproxy frame is the same, and the top allocation sites overall.
 * {@code java -cp benchmark.jar dev.streamproxy.benchmark.report.JfrBreakdown FILE.jfr [KiB-per-request]}
 */
public final class JfrBreakdown {

    private JfrBreakdown() {
    }

    public static void main(String[] args) throws IOException {
        double kibPerRequest = args.length > 1 ? Double.parseDouble(args[1]) : Double.NaN;
        System.out.print(analyze(Path.of(args[0]), kibPerRequest, 20));
    }

    public static String analyze(Path jfr, double kibPerRequest, int top) throws IOException {
        Map<String, Long> layers = new HashMap<>();
        Map<String, Long> ownSites = new HashMap<>();
        Map<String, Long> sites = new HashMap<>();
        Map<String, Long> cpuLayers = new HashMap<>();
        Map<String, Long> cpuOwn = new HashMap<>();
        Map<String, Long> cpuTop = new HashMap<>();
        long cpuSamples = 0;
        long total = 0;
        List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
        // TLAB events, when recorded, are byte-proportional samples and far more numerous than the throttled
        // jdk.ObjectAllocationSample, whose weight spans everything the thread allocated since its last sample
        boolean tlab = events.stream().anyMatch(e -> e.getEventType().getName().equals("jdk.ObjectAllocationInNewTLAB"));
        String allocationEvents = tlab ? "TLAB refills and outside-TLAB allocations" : "jdk.ObjectAllocationSample";
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals("jdk.ExecutionSample") && e.getStackTrace() != null) {
                List<RecordedFrame> frames = e.getStackTrace().getFrames();
                cpuSamples++;
                cpuLayers.merge(layer(frames), 1L, Long::sum);
                cpuTop.merge(site(frames, 2), 1L, Long::sum);
                for (RecordedFrame f : frames) {
                    String type = f.getMethod().getType().getName();
                    if (type.startsWith("dev.streamproxy.") && !type.startsWith("dev.streamproxy.benchmark.")) {
                        cpuOwn.merge(name(f), 1L, Long::sum);
                        break;
                    }
                }
                continue;
            }
            String eventName = e.getEventType().getName();
            long w;
            if (tlab && eventName.equals("jdk.ObjectAllocationInNewTLAB")) {
                w = e.getLong("tlabSize");
            } else if (tlab && eventName.equals("jdk.ObjectAllocationOutsideTLAB")) {
                w = e.getLong("allocationSize");
            } else if (!tlab && eventName.equals("jdk.ObjectAllocationSample")) {
                w = e.getLong("weight");
            } else {
                continue;
            }
            total += w;
            RecordedStackTrace st = e.getStackTrace();
            List<RecordedFrame> frames = st == null ? List.of() : st.getFrames();
            layers.merge(layer(frames), w, Long::sum);
            sites.merge(site(frames, 3) + "  [" + e.getClass("objectClass").getName() + "]", w, Long::sum);
            for (RecordedFrame f : frames) {
                String type = f.getMethod().getType().getName();
                if (type.startsWith("dev.streamproxy.") && !type.startsWith("dev.streamproxy.benchmark.")) {
                    ownSites.merge(name(f) + "  <- via " + site(frames, 1), w, Long::sum);
                    break;
                }
            }
        }
        final long sampled = total;
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "sampled %.1f MiB (%s) in %s%n", sampled / 1048576.0, allocationEvents,
                jfr.getFileName()));
        out.append("\nby layer (share of sampled bytes").append(Double.isNaN(kibPerRequest) ? "" : ", KiB/request").append("):\n");
        sorted(layers).forEach((k, v) -> out.append(line(v, sampled, kibPerRequest, k)));
        out.append("\nnearest streamproxy frame of each sample (the top frame after 'via'):\n");
        sorted(ownSites).entrySet().stream().limit(top).forEach(en -> out.append(line(en.getValue(), sampled, kibPerRequest, en.getKey())));
        out.append("\ntop allocation sites (3 frames) [type]:\n");
        sorted(sites).entrySet().stream().limit(top).forEach(en -> out.append(line(en.getValue(), sampled, kibPerRequest, en.getKey())));
        final long cpu = cpuSamples;
        out.append(String.format(Locale.ROOT, "%nCPU: %d Java execution samples (threads running Java code; time in socket "
                + "syscalls is not sampled), by innermost non-JDK layer:%n", cpu));
        sorted(cpuLayers).forEach((k, v) -> out.append(line(v, cpu, Double.NaN, k)));
        out.append("CPU by nearest streamproxy frame:\n");
        sorted(cpuOwn).entrySet().stream().limit(top).forEach(en -> out.append(line(en.getValue(), cpu, Double.NaN, en.getKey())));
        out.append("CPU hottest frames (2 deep):\n");
        sorted(cpuTop).entrySet().stream().limit(top).forEach(en -> out.append(line(en.getValue(), cpu, Double.NaN, en.getKey())));
        return out.toString();
    }

    private static String line(long v, long total, double kibPerRequest, String what) {
        double share = total == 0 ? 0 : (double) v / total;
        return Double.isNaN(kibPerRequest)
                ? String.format(Locale.ROOT, "  %5.1f%%  %s%n", 100 * share, what)
                : String.format(Locale.ROOT, "  %5.1f%%  %6.2f KiB  %s%n", 100 * share, share * kibPerRequest, what);
    }

    /** The innermost layer that is not the JDK: who asked for the bytes. */
    static String layer(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String t = f.getMethod().getType().getName();
            if (t.startsWith("dev.streamproxy.benchmark.")) {
                return "benchmark admin endpoint / JFR";
            }
            if (t.startsWith("dev.streamproxy.")) {
                return "streamproxy (dev.streamproxy.*)";
            }
            if (t.startsWith("org.apache.hc.")) {
                return "HttpClient 5 (org.apache.hc.*)";
            }
            if (t.startsWith("org.eclipse.jetty.")) {
                return "Jetty container";
            }
            if (t.startsWith("org.apache.catalina.") || t.startsWith("org.apache.coyote.") || t.startsWith("org.apache.tomcat.")) {
                return "Tomcat container";
            }
            if (t.startsWith("jdk.jfr.") || t.startsWith("sun.net.httpserver.") || t.startsWith("com.sun.net.httpserver.")) {
                return "benchmark admin endpoint / JFR";
            }
        }
        return "JDK only (no application frame)";
    }

    private static String site(List<RecordedFrame> frames, int depth) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(depth, frames.size()); i++) {
            if (i > 0) {
                sb.append(" < ");
            }
            sb.append(name(frames.get(i)));
        }
        return sb.length() == 0 ? "<no stack>" : sb.toString();
    }

    private static String name(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName() + ":" + f.getLineNumber();
    }

    private static Map<String, Long> sorted(Map<String, Long> m) {
        Map<String, Long> out = new LinkedHashMap<>();
        m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
