package dev.streamproxy.internal.client;

import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuardedConnectionFactoryTest {

    private ServerSocket server;
    private Socket upstream;
    private ManagedHttpClientConnection connection;

    @BeforeEach
    void connect() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        upstream = server.accept();
        connection = new GuardedConnectionFactory().createConnection(client);
    }

    @AfterEach
    void close() throws IOException {
        connection.close();
        upstream.close();
        server.close();
    }

    @Test
    void anIdleConnectionWithNothingUnreadIsReusable() throws IOException {
        connection.passivate();
        assertFalse(connection.isStale());
    }

    @Test
    void bytesReadAheadPastAResponseMakeTheConnectionStale() throws Exception {
        // a 204 and, in the same write, a whole second response that no request asked for
        send("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nsmuggled!");
        connection.sendRequestHeader(new BasicClassicHttpRequest("GET", "/"));
        connection.flush();
        ClassicHttpResponse response = connection.receiveResponseHeader();
        assertEquals(204, response.getCode());
        connection.passivate();
        assertTrue(connection.isStale(), "the smuggled response would answer the next request");
    }

    @Test
    void bytesArrivingOnAnIdleConnectionMakeItStale() throws Exception {
        connection.passivate();
        send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!connection.isStale() && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // the bytes are in flight on loopback; isStale never blocks before a second idle
        }
        assertTrue(connection.isStale());
    }

    private void send(String text) throws IOException {
        OutputStream out = upstream.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
