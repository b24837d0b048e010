package dev.streamproxy.benchmark.load;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

import dev.streamproxy.benchmark.contenders.Contender;
import dev.streamproxy.benchmark.servers.Admin;
import dev.streamproxy.benchmark.servers.PatternData;

/**
 * One large request through a contender, upload ({@code POST /sink?crc}) or download ({@code GET /bytes?size=N}),
 * checked end to end with CRC32C, with the proxy JVM's heap sampled throughout (see {@link Admin}).
 */
public final class LargeTransfer {

    private static final Map<Long, Long> EXPECTED_CRC = new ConcurrentHashMap<>();

    /** What one transfer did. */
    record Outcome(boolean ok, double seconds, String note) {
    }

    private LargeTransfer() {
    }

    public static LargeResult measure(int rep, Contender c, String direction, long bytes) {
        double peak = Double.NaN;
        double above = Double.NaN;
        long gc = 0;
        Outcome outcome;
        try {
            Map<String, Long> before = c.hasAdmin() ? c.process().admin("/gc") : Map.of();
            if (c.hasAdmin()) {
                c.process().admin("/peak/start");
            }
            outcome = transfer(c, direction, bytes);
            if (c.hasAdmin()) {
                Map<String, Long> after = c.process().admin("/peak/stop");
                peak = after.get("peakHeapUsed") / 1048576.0;
                above = (after.get("peakHeapUsed") - after.get("baseHeapUsed")) / 1048576.0;
                gc = after.get("gcCount") - before.get("gcCount");
            }
        } catch (IOException | RuntimeException e) {
            boolean dead = c.process() != null && !c.process().alive();
            outcome = new Outcome(false, Double.NaN, (dead ? "proxy JVM died (see its log); " : "") + e);
        }
        return new LargeResult(rep, c.id(), direction, bytes, outcome.seconds(), peak, above, gc, outcome.ok(), outcome.note());
    }

    static Outcome transfer(Contender c, String direction, long bytes) throws IOException {
        long expected = EXPECTED_CRC.computeIfAbsent(bytes, PatternData::crc32c);
        try (BlockingConnection conn = new BlockingConnection(c.address())) {
            long t0 = System.nanoTime();
            if (direction.equals("upload")) {
                String head = "POST " + c.pathPrefix() + "/sink?crc HTTP/1.1\r\nHost: 127.0.0.1:" + c.port()
                        + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + bytes + "\r\n\r\n";
                OutputStream out = conn.output();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                PatternData.forEachChunk(bytes, out::write);
                out.flush();
                StringBuilder text = new StringBuilder();
                int status = conn.readResponse((b, off, len) -> text.append(new String(b, off, len, StandardCharsets.US_ASCII)));
                double seconds = (System.nanoTime() - t0) / 1e9;
                String want = "bytes=" + bytes + " crc=" + Long.toHexString(expected);
                boolean ok = status == 200 && text.toString().trim().equals(want);
                return new Outcome(ok, seconds, ok ? null : "status " + status + ", upstream saw '" + text.toString().trim()
                        + "', sent '" + want + "'");
            }
            String head = "GET " + c.pathPrefix() + "/bytes?size=" + bytes + " HTTP/1.1\r\nHost: 127.0.0.1:" + c.port() + "\r\n\r\n";
            CRC32C crc = new CRC32C();
            int status = conn.exchange(head.getBytes(StandardCharsets.US_ASCII), null, 0, 0, crc::update);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long got = conn.lastBodyBytes();
            boolean ok = status == 200 && got == bytes && crc.getValue() == expected;
            return new Outcome(ok, seconds, ok ? null : "status " + status + ", got " + got + " bytes crc "
                    + Long.toHexString(crc.getValue()) + ", want " + bytes + " crc " + Long.toHexString(expected));
        }
    }
}
