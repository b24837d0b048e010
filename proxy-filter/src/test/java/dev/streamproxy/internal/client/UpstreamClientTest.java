package dev.streamproxy.internal.client;

import dev.streamproxy.ProxyConfig;
import dev.streamproxy.internal.body.StreamingRequestEntity;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static dev.streamproxy.internal.client.ScriptedUpstream.readHead;
import static dev.streamproxy.internal.client.ScriptedUpstream.skip;
import static dev.streamproxy.internal.client.ScriptedUpstream.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upstream client against a scripted raw-socket upstream: connection reuse, and the guards a proxy needs on
 * top of HttpCore (unsolicited bytes never reach the next request, a cut-off body never completes upstream, an
 * early answer is returned instead of a write failure, a conflicting framing is refused).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UpstreamClientTest {

    private ScriptedUpstream upstream;
    private UpstreamClient client;
    private final java.util.concurrent.ScheduledExecutorService scheduler =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void tearDown() throws IOException {
        if (client != null) {
            assertEquals(0, client.statistics().leased(), "a connection was left leased");
            client.close();
        }
        scheduler.shutdownNow();
        if (upstream != null) {
            upstream.close();
        }
    }

    private UpstreamClient start(ScriptedUpstream.Script script) throws IOException {
        upstream = new ScriptedUpstream(script);
        ProxyConfig config = ProxyConfig.builder()
                .targetUri("http://127.0.0.1:" + upstream.endpoint().port())
                .responseTimeout(Duration.ofSeconds(10))
                .build();
        client = new UpstreamClient(config, null, scheduler, "test");
        return client;
    }

    private static ClassicHttpRequest get(String path) {
        BasicClassicHttpRequest r = new BasicClassicHttpRequest("GET", (String) null);
        r.setPath(path);
        r.setHeader("Host", "upstream");
        return r;
    }

    private static ClassicHttpRequest post(String path, StreamingRequestEntity body) {
        BasicClassicHttpRequest r = new BasicClassicHttpRequest("POST", (String) null);
        r.setPath(path);
        r.setHeader("Host", "upstream");
        r.setEntity(body);
        if (body.getContentLength() >= 0) {
            r.setHeader("Content-Length", Long.toString(body.getContentLength()));
        } else {
            r.setHeader("Transfer-Encoding", "chunked");
        }
        return r;
    }

    private String exchange(ClassicHttpRequest request) throws IOException {
        try (UpstreamResponse r = client.send(upstream.endpoint(), request, new UpstreamLink())) {
            return r.code() + " " + (r.body() == null ? "" : text(r.body()));
        }
    }

    private static String text(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Answers each request on the connection with a body naming the connection and the request's number. */
    private static ScriptedUpstream.Script numbered(String extraAfterFirst) {
        return (s, index) -> {
            int n = 0;
            while (readHead(s.getInputStream()) != null) {
                String body = "c" + index + "r" + n;
                write(s, "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                        + (n == 0 ? extraAfterFirst : ""));
                n++;
            }
        };
    }

    @Test
    void reusesTheKeepAliveConnection() throws IOException {
        start(numbered(""));
        assertEquals("200 c0r0", exchange(get("/a")));
        assertEquals("200 c0r1", exchange(get("/b")));
        assertEquals(1, upstream.connections());
    }

    @Test
    void bytesPastTheContentLengthNeverAnswerTheNextRequest() throws IOException {
        // the stray response arrives in the same segment as the real one, so it sits in HttpCore's input buffer
        start(numbered("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil"));
        assertEquals("200 c0r0", exchange(get("/a")));
        assertEquals("200 c1r0", exchange(get("/b")), "the second request was answered by the stray bytes");
        assertEquals(2, upstream.connections());
    }

    @ParameterizedTest(name = "after a {0}")
    @ValueSource(strings = {"204", "HEAD", "304"})
    void aBodyWhereNoneBelongsNeverAnswersTheNextRequest(String kind) throws Exception {
        CountDownLatch firstDone = new CountDownLatch(1);
        CountDownLatch strayWritten = new CountDownLatch(1);
        start((s, index) -> {
            if (readHead(s.getInputStream()) == null) {
                return;
            }
            if (index == 0) {
                write(s, kind.equals("204") ? "HTTP/1.1 204 No Content\r\n\r\n"
                        : kind.equals("304") ? "HTTP/1.1 304 Not Modified\r\nContent-Length: 4\r\n\r\n"
                        : "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n");
                // only once the exchange is over, so the bytes wait in the idle pooled connection's socket
                firstDone.await();
                write(s, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil");
                strayWritten.countDown();
                readHead(s.getInputStream());
            } else {
                write(s, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ngood");
            }
        });
        BasicClassicHttpRequest first = (BasicClassicHttpRequest) get("/a");
        if (kind.equals("HEAD")) {
            first = new BasicClassicHttpRequest("HEAD", (String) null);
            first.setPath("/a");
            first.setHeader("Host", "upstream");
        }
        assertEquals(kind.equals("HEAD") ? "200 " : kind + " ", exchange(first));
        assertEquals(1, client.statistics().available(), "the first connection was not pooled");
        firstDone.countDown();
        // loopback delivers during the upstream's write: once it returned, the bytes wait in our socket
        assertTrue(await(strayWritten));
        assertEquals("200 good", exchange(get("/b")));
        assertEquals(2, upstream.connections());
    }

    @Test
    void aCutOffChunkedBodyNeverReachesTheUpstreamAsComplete() throws Exception {
        AtomicReference<String> received = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        start((s, index) -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            try {
                s.getInputStream().transferTo(all);
            } catch (IOException reset) {
                // an abort may arrive as a reset: what was read before it is what counts
            }
            received.set(all.toString(StandardCharsets.ISO_8859_1));
            done.countDown();
        });
        InputStream failing = new InputStream() {
            private int left = 40_000;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0) {
                    throw new IOException("client connection reset");
                }
                int n = Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                left -= n;
                return n;
            }
        };
        UpstreamLink link = new UpstreamLink();
        StreamingRequestEntity linked = new StreamingRequestEntity(null, failing, -1, -1, new byte[16384], 0, link);
        assertThrows(IOException.class, () -> client.send(upstream.endpoint(), post("/up", linked), link));
        assertTrue(await(done));
        String seen = received.get();
        assertTrue(seen.contains("Transfer-Encoding: chunked"), seen.substring(0, Math.min(200, seen.length())));
        assertFalse(seen.endsWith("0\r\n\r\n"), "the upstream received a terminated chunked body");
        assertFalse(linked.isComplete());
    }

    @ParameterizedTest(name = "early 413 after 256 KiB, then {0}")
    @ValueSource(strings = {"stays open and stops reading", "closes", "resets"})
    void anEarlyAnswerDuringALargeUploadIsReturnedAndTheRestIsNeverSent(String then) throws Exception {
        AtomicLong bodyRead = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(1);
        start((s, index) -> {
            InputStream in = s.getInputStream();
            readHead(in);
            bodyRead.set(skip(in, 256 * 1024));
            write(s, "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 9\r\nConnection: close\r\n\r\ntoo large");
            switch (then) {
                case "resets" -> {
                    s.setSoLinger(true, 0);
                    s.close();
                }
                case "closes" -> s.close();
                // held open, unread, until the client has the answer: without early detection the upload
                // blocks on a full socket and the test times out
                default -> finished.await();
            }
        });
        long size = 16L << 20;
        UpstreamLink link = new UpstreamLink();
        StreamingRequestEntity body = new StreamingRequestEntity(null, new Zeros(size), size, -1,
                new byte[16384], 0, link);
        try (UpstreamResponse r = client.send(upstream.endpoint(), post("/upload", body), link)) {
            assertEquals(413, r.code());
            assertEquals("too large", text(r.body()));
        } finally {
            finished.countDown();
        }
        assertFalse(body.isComplete());
        assertTrue(body.isStoppedByAnswer());
        assertEquals(256 * 1024, bodyRead.get());
    }

    @Test
    void anAnswerBeforeAnyBodyByteIsReturned() throws Exception {
        start((s, index) -> {
            readHead(s.getInputStream());
            write(s, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\nConnection: close\r\n\r\nwho?");
        });
        long size = 16L << 20;
        UpstreamLink link = new UpstreamLink();
        StreamingRequestEntity body = new StreamingRequestEntity(null, new Zeros(size), size, -1,
                new byte[16384], 0, link);
        try (UpstreamResponse r = client.send(upstream.endpoint(), post("/upload", body), link)) {
            assertEquals(401, r.code());
            assertEquals("who?", text(r.body()));
        }
        assertFalse(body.isComplete());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Content-Length: 4\r\nTransfer-Encoding: chunked",
        "Content-Length: 4\r\nContent-Length: 5",
        "Transfer-Encoding: gzip",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked"})
    void aConflictingFramingIsRefusedAndTheConnectionDiscarded(String framing) throws IOException {
        start((s, index) -> {
            while (readHead(s.getInputStream()) != null) {
                if (index == 0) {
                    write(s, "HTTP/1.1 200 OK\r\n" + framing + "\r\n\r\n4\r\ngood\r\n0\r\n\r\n");
                } else {
                    write(s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
                }
            }
        });
        UpstreamIOException e = assertThrows(UpstreamIOException.class, () -> exchange(get("/a")));
        assertInstanceOf(ProtocolException.class, e.getCause());
        assertEquals("200 fresh", exchange(get("/b")));
        assertEquals(2, upstream.connections());
    }

    @Test
    void aFullPoolRefusesAfterTheWaitAndFreesOnRelease() throws IOException {
        upstream = new ScriptedUpstream(numbered(""));
        client = new UpstreamClient(ProxyConfig.builder()
                .targetUri("http://127.0.0.1:" + upstream.endpoint().port())
                .maxConnections(1)
                .connectionRequestTimeout(Duration.ofMillis(200))
                .build(), null, scheduler, "test");
        UpstreamResponse held = client.send(upstream.endpoint(), get("/a"), new UpstreamLink());
        assertThrows(PoolTimeoutException.class, () -> exchange(get("/b")));
        assertEquals("c0r0", text(held.body()));
        held.close();
        assertEquals("200 c0r1", exchange(get("/c")));
    }

    @Test
    void aResponseClosedBeforeItsEndDiscardsTheConnection() throws IOException {
        start((s, index) -> {
            while (readHead(s.getInputStream()) != null) {
                write(s, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234");
                if (index > 0) {
                    write(s, "56789");
                }
            }
        });
        UpstreamResponse partial = client.send(upstream.endpoint(), get("/a"), new UpstreamLink());
        assertNotNull(partial.body());
        assertEquals('0', partial.body().read());
        partial.close();
        assertEquals("200 0123456789", exchange(get("/b")));
        assertEquals(2, upstream.connections());
    }

    @Test
    void anUnreachableUpstreamFailsAsAConnectFailure() throws IOException {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        client = new UpstreamClient(ProxyConfig.builder().targetUri("http://127.0.0.1:" + port).build(), null,
                scheduler, "test");
        UpstreamConnectException e = assertThrows(UpstreamConnectException.class, () -> client.send(
                new Endpoint("http", "127.0.0.1", port, null), get("/"), new UpstreamLink()));
        assertFalse(e.isTimedOut());
        assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
    }

    private static boolean await(CountDownLatch latch) throws InterruptedException {
        return latch.await(10, TimeUnit.SECONDS);
    }

    /** {@code size} zero bytes, produced on demand. */
    private static final class Zeros extends InputStream {
        private long left;

        Zeros(long size) {
            left = size;
        }

        @Override
        public int read() {
            return left-- > 0 ? 0 : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}
