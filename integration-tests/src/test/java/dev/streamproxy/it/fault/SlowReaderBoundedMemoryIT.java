package dev.streamproxy.it.fault;

import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.ForkedProxy;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.Upstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Clients that read a huge response slowly cost the proxy bounded memory: several concurrent slow readers pull
 * 64 MiB each (six times the proxy's whole heap in all) through a proxy running alone in a JVM with a 48 MiB heap
 * that exits on OutOfMemoryError. A proxy that buffered what a slow client had not read yet (a growing write queue,
 * an aggregated body) would die; this one must deliver every byte intact and still be alive, with every connection
 * released. Runs once per build (the fork is embedded Jetty ee10), not per host.
 */
class SlowReaderBoundedMemoryIT {

    private static final String HEAP = "-Xmx48m";
    private static final long SIZE = 64L * 1024 * 1024;
    private static final int CLIENTS = 6;

    private Upstream upstream;
    private ForkedProxy proxy;

    @BeforeEach
    void startUpstreamAndForkedProxy() throws Exception {
        assumeTrue(HostKind.enabled().contains(HostKind.JETTY_EE10), "needs Jetty ee10 on the classpath");
        upstream = Upstream.start();
        upstream.handle(ex -> {
            ex.readAndRecord();
            long seed = Long.parseLong(ex.target().substring(ex.target().lastIndexOf('/') + 1));
            ex.writeHead(200, "OK", "Content-Type: application/octet-stream", "Content-Length: " + SIZE);
            try {
                Payload.write(ex.out(), SIZE, seed, 64 * 1024);
            } catch (IOException e) {
                ex.closeAfter();
            }
        });
        proxy = ForkedProxy.start(HEAP, "32m", Path.of("target", "slow-reader", "forked-proxy.log"),
                upstream.uri("/svc"));
    }

    @AfterEach
    void stopForkedProxy() throws Exception {
        try {
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void slowReadersOfHugeResponsesCostBoundedMemory() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        AtomicLong maxUsed = new AtomicLong();
        List<Future<Payload.Digest>> downloads = new ArrayList<>();
        try {
            for (int i = 1; i <= CLIENTS; i++) {
                long seed = 100 + i;
                downloads.add(clients.submit(() -> slowDownload(seed)));
            }
            while (!downloads.stream().allMatch(Future::isDone)) {
                assertTrue(proxy.isAlive(), "the forked proxy died (OutOfMemoryError?); see " + proxy.log());
                maxUsed.accumulateAndGet(heapField("used"), Math::max);
                Thread.sleep(200);
            }
            for (int i = 1; i <= CLIENTS; i++) {
                assertEquals(Payload.digestOf(SIZE, 100 + i), downloads.get(i - 1).get(), "download " + i);
            }
        } finally {
            clients.shutdownNow();
        }
        assertTrue(proxy.isAlive(), "the forked proxy died; see " + proxy.log());
        Await.until(Duration.ofSeconds(10), "the fork's pool back to zero leased", () -> heapField("leased") == 0,
                () -> heapText());
        System.out.println("slow readers: " + CLIENTS + " x " + SIZE + " bytes through " + HEAP + "; heap used peaked at "
                + maxUsed.get() / (1024 * 1024) + " MiB while sampled; " + heapText());
    }

    /** Reads the response in small steps with pauses: slower than the upstream and the proxy can send. */
    private Payload.Digest slowDownload(long seed) throws Exception {
        try (ClientConnection c = ClientConnection.open(proxy.port())) {
            c.socket().setReceiveBufferSize(32 * 1024);
            c.send(RawRequest.get("/ctx/api/big/" + seed));
            HttpHead head = c.readHead();
            assertEquals("200", head.startLine().split(" ")[1], head::toString);
            InputStream body = c.body(head, "GET");
            InputStream slow = new InputStream() {
                private long sincePause;

                @Override
                public int read() throws IOException {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = body.read(b, off, Math.min(len, 16 * 1024));
                    sincePause += Math.max(n, 0);
                    if (sincePause >= 512 * 1024) {
                        sincePause = 0;
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException(e);
                        }
                    }
                    return n;
                }
            };
            return Payload.digest(slow);
        }
    }

    private String heapText() {
        try (ClientConnection c = ClientConnection.open(proxy.port())) {
            RawResponse r = c.send(RawRequest.get("/ctx/heap")).readResponse("GET");
            return r.text();
        } catch (IOException e) {
            return "unavailable: " + e;
        }
    }

    private long heapField(String name) {
        String text = heapText();
        for (String part : text.split(" ")) {
            if (part.startsWith(name + "=")) {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        return -1;
    }

}
