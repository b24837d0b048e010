package dev.streamproxy.it.soak;

import dev.streamproxy.it.fault.FaultApp;
import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.support.BodyStreams;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.Upstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Soak: many concurrent clients on loopback mix good requests (downloads, uploads with declared and chunked length,
 * event streams, HEAD, 204) with faulty ones (clients that reset mid-upload or mid-download, bodies shorter than
 * promised, upstream resets mid-body, upstream stalls past the response timeout, hostile paths, bodies over
 * maxRequestBodySize) for a bounded time ({@code -Dstreamproxy.soak.seconds}, default 60). Then: every good response
 * was byte-correct, every fault got its documented answer, no aborted upload ever reached the upstream as complete,
 * zero connections are leased, no request thread is left inside the proxy, and the heap after a full GC is back near
 * its level before the soak. Runs once per build, in Jetty ee10.
 */
class MixedTrafficSoakIT {

    private static final int CLIENTS = 24;
    private static final long SECONDS = Long.getLong("streamproxy.soak.seconds", 60);
    private static final int MAX_BODY = 512 * 1024;
    private static final long HEAP_SLACK = 32L * 1024 * 1024;

    private static FaultApp app;
    /** Upload id to what the upstream saw of it: "completed" or "failed". */
    private static final Map<String, String> abortedUploads = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(HostKind.enabled().contains(HostKind.JETTY_EE10), "runs once, on Jetty ee10");
        app = FaultApp.start(HostKind.JETTY_EE10);
        app.upstream().handle(MixedTrafficSoakIT::upstream);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    /** One upstream for every scenario, dispatching on the request-target. */
    private static void upstream(Upstream.Exchange ex) throws Exception {
        String[] p = ex.target().split("\\?")[0].split("/");
        String kind = p.length > 2 ? p[2] : "";
        switch (kind) {
            case "download" -> {
                BodyStreams.drain(ex.body());
                long len = Long.parseLong(p[3]);
                ex.writeHead(200, "OK", "Content-Type: application/octet-stream", "Content-Length: " + len);
                if (!ex.method().equals("HEAD")) {
                    streamQuietly(ex, len, Long.parseLong(p[4]));
                }
            }
            case "sse" -> {
                BodyStreams.drain(ex.body());
                ex.writeHead(200, "OK", "Content-Type: text/event-stream", "Transfer-Encoding: chunked");
                for (int i = 0; i < Integer.parseInt(p[3]); i++) {
                    BodyStreams.writeChunk(ex.out(), ("data: " + i + "\n\n").getBytes(StandardCharsets.US_ASCII));
                    ex.out().flush();
                }
                BodyStreams.writeLastChunk(ex.out());
            }
            case "aborted-upload" -> {
                String id = p[3];
                try {
                    BodyStreams.drain(ex.body());
                    abortedUploads.put(id, "completed");
                    ex.respond(200, "OK", new byte[0]);
                } catch (IOException e) {
                    abortedUploads.put(id, "failed");
                    ex.closeAfter();
                }
            }
            case "reset" -> {
                BodyStreams.drain(ex.body());
                ex.writeHead(200, "OK", "Content-Length: 200000");
                ex.out().write(new byte[50_000]);
                ex.out().flush();
                ex.socket().setSoLinger(true, 0);
                ex.socket().close();
                ex.closeAfter();
            }
            case "stall" -> {
                BodyStreams.drain(ex.body());
                Thread.sleep(1500); // past the slow route's 500ms response timeout
                ex.closeAfter();
            }
            case "nocontent" -> {
                BodyStreams.drain(ex.body());
                ex.respond(204, "No Content", new byte[0]);
            }
            default -> {
                // the echo of the support Upstream records every request; a soak must not pile them up
                Payload.Digest d = Payload.digest(ex.body());
                ex.respond(200, "OK", new byte[0], "X-Echo-Length: " + d.length(), "X-Echo-Sha256: " + d.sha256());
            }
        }
    }

    private static void streamQuietly(Upstream.Exchange ex, long len, long seed) throws IOException {
        try {
            Payload.write(ex.out(), len, seed, 32 * 1024);
        } catch (IOException e) {
            ex.closeAfter(); // the client (and so the proxy) went away
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void goodAndFaultyTrafficFromManyClientsLeavesNothingBehind() throws Exception {
        runFor(Duration.ofSeconds(3), new Stats()); // warm up: classes, pools, JIT
        app.awaitQuiet(Duration.ofSeconds(10));
        forgetArrivals();
        long baseline = usedHeapAfterGc();

        Stats stats = new Stats();
        runFor(Duration.ofSeconds(SECONDS), stats);

        app.awaitQuiet(Duration.ofSeconds(15));
        forgetArrivals();
        long after = usedHeapAfterGc();
        System.out.println("soak: " + SECONDS + "s, " + CLIENTS + " clients, " + stats.good.get() + " good and "
                + stats.faulty.get() + " faulty exchanges; heap after GC " + mib(baseline) + " MiB before, "
                + mib(after) + " MiB after; pools " + app.poolStatistics());
        assertTrue(stats.errors.isEmpty(), () -> stats.errors.size() + " wrong outcomes, first ones:\n"
                + String.join("\n", stats.errors.stream().limit(10).toList()));
        assertTrue(stats.good.get() > 100 && stats.faulty.get() > 100, "too little traffic to mean anything");
        List<String> completed = abortedUploads.entrySet().stream()
                .filter(e -> e.getValue().equals("completed")).map(Map.Entry::getKey).toList();
        assertEquals(List.of(), completed, "aborted uploads that reached the upstream as complete requests");
        assertTrue(after <= baseline + HEAP_SLACK, "heap after the soak " + mib(after) + " MiB vs " + mib(baseline)
                + " MiB before: something is retained per exchange");
    }

    private static final class Stats {
        final AtomicLong good = new AtomicLong();
        final AtomicLong faulty = new AtomicLong();
        final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    }

    private static void runFor(Duration duration, Stats stats) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            long seed = 1000L * i + System.nanoTime() % 1000;
            running.add(clients.submit(() -> {
                Random random = new Random(seed);
                long n = 0;
                while (System.nanoTime() < end) {
                    String id = seed + "-" + n++;
                    int pick = random.nextInt(100);
                    try {
                        if (pick < 60) {
                            good(random, id, pick);
                            stats.good.incrementAndGet();
                        } else {
                            faulty(random, id, pick);
                            stats.faulty.incrementAndGet();
                        }
                    } catch (AssertionError | Exception e) {
                        stats.errors.add("scenario " + pick + " (" + id + "): " + e);
                    }
                }
                return null;
            }));
        }
        clients.shutdown();
        for (Future<?> f : running) {
            f.get(duration.toSeconds() + 60, TimeUnit.SECONDS);
        }
    }

    private static void good(Random random, String id, int pick) throws Exception {
        int size = random.nextInt(MAX_BODY);
        long seed = random.nextLong();
        if (pick < 15) {
            RawResponse r = app.send(RawRequest.get("/ctx/api/download/" + size + "/" + seed));
            check(r.status() == 200 && Payload.digest(r.body()).equals(Payload.digestOf(size, seed)), "download", r);
        } else if (pick < 30) {
            byte[] body = Payload.bytes(size, seed);
            RawResponse r = app.send(RawRequest.of("POST", "/ctx/api/echo/" + id).body(body));
            check(r.status() == 200 && Payload.digest(body).sha256().equals(r.header("X-Echo-Sha256")), "upload", r);
        } else if (pick < 40) {
            byte[] body = Payload.bytes(size, seed);
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            for (int off = 0; off < body.length; off += 7000) {
                BodyStreams.writeChunk(chunks, body, off, Math.min(7000, body.length - off));
            }
            BodyStreams.writeLastChunk(chunks);
            RawResponse r = app.send(RawRequest.of("PUT", "/ctx/api/echo/" + id)
                    .header("Transfer-Encoding", "chunked").body(chunks.toByteArray()));
            check(r.status() == 200 && Payload.digest(body).sha256().equals(r.header("X-Echo-Sha256")),
                    "chunked upload", r);
        } else if (pick < 50) {
            int events = 1 + random.nextInt(20);
            RawResponse r = app.send(RawRequest.get("/ctx/api/sse/" + events));
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < events; i++) {
                expected.append("data: ").append(i).append("\n\n");
            }
            check(r.status() == 200 && r.text().equals(expected.toString()), "event stream", r);
        } else if (pick < 55) {
            RawResponse r = app.send(RawRequest.of("HEAD", "/ctx/api/download/" + size + "/" + seed));
            check(r.status() == 200 && r.body().length == 0
                    && Long.toString(size).equals(r.header("Content-Length")), "HEAD", r);
        } else {
            RawResponse r = app.send(RawRequest.get("/ctx/api/nocontent"));
            check(r.status() == 204 && r.body().length == 0, "204", r);
        }
    }

    private static void faulty(Random random, String id, int pick) throws Exception {
        if (pick < 66) {
            // client resets mid-upload
            boolean chunked = random.nextBoolean();
            try (ClientConnection c = app.connect()) {
                c.send(RawRequest.of("POST", "/ctx/api/aborted-upload/" + id)
                        .header(chunked ? "Transfer-Encoding" : "Content-Length", chunked ? "chunked" : "1048576"));
                byte[] part = Payload.bytes(64 * 1024, 5);
                c.write(Integer.toHexString(part.length) + "\r\n");
                c.write(part);
                c.abort();
            }
        } else if (pick < 72) {
            // client closes (FIN) after sending less than it promised
            try (ClientConnection c = app.connect()) {
                c.send(RawRequest.of("PUT", "/ctx/api/aborted-upload/" + id).header("Content-Length", "100000"));
                c.write(Payload.bytes(30_000, 6));
                c.socket().shutdownOutput();
                drainQuietly(c.socket().getInputStream());
            }
        } else if (pick < 78) {
            // client resets mid-download
            try (ClientConnection c = app.connect()) {
                c.send(RawRequest.get("/ctx/api/download/" + (8 * 1024 * 1024) + "/7"));
                HttpHead head = c.readHead();
                c.body(head, "GET").readNBytes(100_000);
                c.abort();
            }
        } else if (pick < 84) {
            RawResponse r = sendOrBroken(RawRequest.get("/ctx/api/reset"));
            check(r == null || r.status() == 502, "upstream reset mid-body must not look complete", r);
        } else if (pick < 88) {
            RawResponse r = app.send(RawRequest.get("/ctx/slow/stall"));
            check(r.status() == 504, "stalled upstream", r);
        } else if (pick < 94) {
            String[] hostile = {"/ctx/wide/../secret", "/ctx/wide/%2e%2e/x", "/ctx/wide/..;/x", "/ctx/wide/a%00",
                    "/ctx/%77ide/x"};
            RawResponse r = app.send(RawRequest.get(hostile[random.nextInt(hostile.length)]));
            check(r.status() == 400, "hostile path", r);
        } else {
            RawResponse r = app.send(RawRequest.of("POST", "/ctx/limit/x").body(Payload.bytes(2048, 8)));
            check(r.status() == 413, "over the body limit", r);
        }
    }

    /** @return the response, or null when it broke off (which is what a mid-body upstream failure must do) */
    private static RawResponse sendOrBroken(RawRequest request) {
        try {
            return app.send(request);
        } catch (IOException e) {
            return null;
        }
    }

    private static void drainQuietly(InputStream in) {
        try {
            BodyStreams.drain(in);
        } catch (IOException e) {
            // the container may reset; either way the exchange is over
        }
    }

    private static void check(boolean ok, String what, RawResponse r) {
        if (!ok) {
            throw new AssertionError(what + ": " + (r == null ? "no response" : r.head().startLine()
                    + " (" + r.body().length + " body bytes)"));
        }
    }

    /** The support upstream logs every request head it receives; that log is the test's memory, not the proxy's. */
    private static void forgetArrivals() {
        app.upstream().reset();
        app.upstream().handle(MixedTrafficSoakIT::upstream);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            ManagementFactory.getMemoryMXBean().gc();
            Thread.sleep(200);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }
}
