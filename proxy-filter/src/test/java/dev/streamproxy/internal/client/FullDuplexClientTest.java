package dev.streamproxy.internal.client;

import dev.streamproxy.ProxyConfig;
import dev.streamproxy.internal.body.StreamingRequestEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.streamproxy.internal.client.ScriptedUpstream.readHead;
import static dev.streamproxy.internal.client.ScriptedUpstream.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both directions at once on one upstream connection: an upstream that answers while the request body is still
 * arriving, and goes on reading it, gets the rest of the body while its answer is read; an answer that ends the
 * upload ({@code Connection: close}) stops it. The body's source is a pipe the test writes into, so each step is
 * caused by the one before it, never timed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FullDuplexClientTest {

    private static final int PIECE = 100;
    private static final int ROUNDS = 30;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private ScriptedUpstream upstream;
    private UpstreamClient client;

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

    private void start(ScriptedUpstream.Script script) throws IOException {
        upstream = new ScriptedUpstream(script);
        client = new UpstreamClient(ProxyConfig.builder()
                .targetUri("http://127.0.0.1:" + upstream.endpoint().port())
                .responseTimeout(Duration.ofSeconds(10))
                .build(), null, scheduler, "test");
    }

    /** Answers at once, then echoes every piece of the body as a chunk of its own as soon as it has read it. */
    private static void echo(java.net.Socket s, long length) throws IOException {
        InputStream in = s.getInputStream();
        readHead(in);
        write(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        byte[] piece = new byte[PIECE];
        for (long read = 0; read < length; read += PIECE) {
            int n = in.readNBytes(piece, 0, PIECE);
            write(s, Integer.toHexString(n) + "\r\n" + new String(piece, 0, n, StandardCharsets.ISO_8859_1) + "\r\n");
        }
        write(s, "0\r\n\r\n");
    }

    private static BasicClassicHttpRequest post(StreamingRequestEntity body) {
        BasicClassicHttpRequest r = new BasicClassicHttpRequest("POST", (String) null);
        r.setPath("/echo");
        r.setHeader("Host", "upstream");
        r.setEntity(body);
        r.setHeader("Content-Length", Long.toString(body.getContentLength()));
        return r;
    }

    @Test
    void eachPieceIsEchoedBeforeTheNextIsSent() throws Exception {
        long length = (long) PIECE * ROUNDS;
        start((s, i) -> echo(s, length));
        PipedOutputStream clientSide = new PipedOutputStream();
        PipedInputStream body = new PipedInputStream(clientSide, PIECE * 2);
        UpstreamLink link = new UpstreamLink();
        StreamingRequestEntity entity = new StreamingRequestEntity(null, body, length, -1, new byte[16384], 0, link);

        clientSide.write(piece(0));
        clientSide.flush();
        try (UpstreamResponse r = client.send(upstream.endpoint(), post(entity), link)) {
            assertEquals(200, r.code());
            for (int n = 0; n < ROUNDS; n++) {
                // piece n+1 exists only once the echo of piece n came back: one thread could never get here
                assertEquals(new String(piece(n), StandardCharsets.ISO_8859_1), text(r.body(), PIECE), "echo " + n);
                if (n + 1 < ROUNDS) {
                    clientSide.write(piece(n + 1));
                    clientSide.flush(); // a pipe wakes its reader on flush
                }
            }
            clientSide.close();
            assertEquals(-1, r.body().read(), "the echo did not end with the body");
        }
        assertTrue(entity.isComplete());
        assertEquals(1, upstream.connections());
    }

    @Test
    void anAnswerSayingConnectionCloseStopsTheUploadAndIsReturned() throws Exception {
        AtomicLong readByUpstream = new AtomicLong();
        CountDownLatch answered = new CountDownLatch(1);
        CountDownLatch upstreamDone = new CountDownLatch(1);
        start((s, i) -> {
            InputStream in = s.getInputStream();
            readHead(in);
            readByUpstream.set(in.readNBytes(PIECE).length);
            write(s, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\ndone");
            try {
                answered.await(10, TimeUnit.SECONDS);
                byte[] b = new byte[8192];
                for (int n; (n = in.read(b)) > 0; ) {
                    readByUpstream.addAndGet(n);
                }
            } catch (IOException reset) {
                // the proxy discards the connection: a reset is one way to see that
            } finally {
                upstreamDone.countDown();
            }
        });
        PipedOutputStream clientSide = new PipedOutputStream();
        PipedInputStream body = new PipedInputStream(clientSide, PIECE * 4);
        UpstreamLink link = new UpstreamLink();
        long length = 1 << 20;
        StreamingRequestEntity entity = new StreamingRequestEntity(null, body, length, -1, new byte[16384], 0, link);

        clientSide.write(piece(0));
        try (UpstreamResponse r = client.send(upstream.endpoint(), post(entity), link)) {
            assertEquals(200, r.code());
            assertTrue(r.uploadCutShort(), "the answer said Connection: close: the upload ends with it");
            assertEquals("done", text(r.body(), 4));
            clientSide.write(piece(1)); // reaches the copy, which must not send it
            clientSide.close();
        } finally {
            answered.countDown();
        }
        assertFalse(entity.isComplete());
        assertTrue(upstreamDone.await(10, TimeUnit.SECONDS), "the proxy kept the connection open");
        assertEquals(PIECE, readByUpstream.get(), "bytes sent after the answer said Connection: close");
        assertEquals(1, upstream.connections());
    }

    private static byte[] piece(int n) {
        byte[] b = new byte[PIECE];
        java.util.Arrays.fill(b, (byte) ('a' + n % 26));
        return b;
    }

    private static String text(InputStream in, int n) throws IOException {
        return new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
    }
}
