package dev.streamproxy.boot;

import dev.streamproxy.boot.support.Upstream.DownloadOutcome;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario 6: a client that leaves in the middle of a large download. The proxy must abort the upstream exchange
 * (the upstream's write fails long before the end: nothing is drained) and give its pooled connection back.
 */
class ClientAbortTest extends ProxiedAppTest {

    private static final long SIZE = 1024L * MIB;

    @Test
    void aClientGoneMidDownloadReleasesTheUpstreamConnection() throws Exception {
        upstream.downloads().clear();

        // a raw socket: the client must really go away (a reset), not park its connection in a pool
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), app.port())) {
            socket.setSoTimeout((int) SETTLE.toMillis());
            socket.getOutputStream().write(("GET /api/download?size=" + SIZE + "&seed=6 HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertEquals(MIB, in.readNBytes(MIB).length, "the first MiB of the download");
            socket.setSoLinger(true, 0); // close with a reset, as a killed browser tab or a timed-out client does
        }

        DownloadOutcome outcome = upstream.downloads().poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(outcome, "the upstream's download did not end within " + SETTLE + " of the client leaving");
        assertNotNull(outcome.failure(), "the upstream wrote the whole download: the proxy drained it");
        assertTrue(outcome.written() < SIZE / 2, "the proxy drained " + outcome.written() + " bytes");
        app.awaitNoLeasedConnections(SETTLE);
    }

    /** @return the response head up to and including its blank line */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the response head: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
