package dev.streamproxy.it;

import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.ForkedProxy;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RecordedRequest;
import dev.streamproxy.it.support.Upstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Streaming, proven by memory: 1 GiB up and 1 GiB down through a proxy whose whole JVM has a 64 MiB heap (and 64 MiB
 * of direct memory). The proxy runs alone in a forked JVM (embedded Jetty ee10); upstream and client run here, and
 * generate and hash the data on the fly, so nothing anywhere holds a body. A proxy that buffered a body would die of
 * OutOfMemoryError (the fork exits on it) long before a gibibyte.
 */
class BoundedHeapIT {

    private static final long GIB = 1024L * 1024 * 1024;
    private static final String HEAP = "-Xmx64m";

    private Upstream upstream;
    private ForkedProxy proxy;

    @BeforeEach
    void startUpstreamAndForkedProxy() throws Exception {
        assumeTrue(HostKind.enabled().contains(HostKind.JETTY_EE10), "needs Jetty ee10 on the classpath");
        upstream = Upstream.start();
        proxy = ForkedProxy.start(HEAP, "64m", Path.of("target", "bounded-heap", "forked-proxy.log"),
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
    void aGibibyteUploadedAndAGibibyteDownloadedThroughA64MiBHeapArriveIntact() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        // upload: the client hashes what it sends, the upstream what it receives
        MessageDigest sentDigest = sha256();
        HttpRequest upload = HttpRequest.newBuilder(uri("/ctx/api/upload"))
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new DigestingStream(Payload.stream(GIB, 41), sentDigest)), GIB))
                .timeout(Duration.ofSeconds(120)).build();
        HttpResponse<String> uploaded = client.send(upload, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, uploaded.statusCode(), uploaded::body);
        RecordedRequest received = upstream.takeRequest();
        assertEquals(new Payload.Digest(GIB, hex(sentDigest)), received.digest(), "upload checksum");

        // download: the upstream hashes what it sends, the client what it receives
        MessageDigest servedDigest = sha256();
        upstream.handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Type: application/octet-stream", "Content-Length: " + GIB);
            InputStream data = new DigestingStream(Payload.stream(GIB, 42), servedDigest);
            byte[] buf = new byte[64 * 1024];
            OutputStream out = ex.out();
            for (int n; (n = data.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        });
        HttpResponse<InputStream> downloaded = client.send(HttpRequest.newBuilder(uri("/ctx/api/download"))
                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, downloaded.statusCode());
        Payload.Digest got;
        try (InputStream in = downloaded.body()) {
            got = Payload.digest(in);
        }
        assertEquals(new Payload.Digest(GIB, hex(servedDigest)), got, "download checksum");

        String[] heapRef = {""};
        Await.until(Duration.ofSeconds(5), "the forked proxy's pool back to zero leased connections", () -> {
            try {
                heapRef[0] = client.send(HttpRequest.newBuilder(uri("/ctx/heap")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return heapRef[0].endsWith(" leased=0");
        }, () -> heapRef[0]);
        String heap = heapRef[0];
        System.out.println("forked proxy after 2 GiB (" + HEAP + "): " + heap);
        assertTrue(proxy.isAlive(), "the forked proxy died; see " + proxy.log());
        long max = Long.parseLong(heap.replaceAll(".*max=(\\d+).*", "$1"));
        assertTrue(max <= 64L * 1024 * 1024, "the fork did not run with the bounded heap: " + heap);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + proxy.port() + path);
    }


    private static MessageDigest sha256() throws Exception {
        return MessageDigest.getInstance("SHA-256");
    }

    private static String hex(MessageDigest md) {
        return HexFormat.of().formatHex(md.digest());
    }

    /** Passes bytes through while adding them to a digest. */
    private static final class DigestingStream extends FilterInputStream {
        private final MessageDigest digest;

        DigestingStream(InputStream in, MessageDigest digest) {
            super(in);
            this.digest = digest;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                digest.update(b, off, n);
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }
}
