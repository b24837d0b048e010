package dev.streamproxy.boot;

import dev.streamproxy.boot.support.EchoReply;
import dev.streamproxy.boot.support.Payload;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Scenarios 2 and 3: multi-megabyte bodies cross the proxy intact in both directions. */
class LargeBodyTest extends ProxiedAppTest {

    private static final long SIZE = 24L * MIB;

    @Test
    void aLargeUploadArrivesWhole() throws Exception {
        // generated while it is sent, with a declared length: nothing holds the 24 MiB at once
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> Payload.stream(SIZE, 2)), SIZE);

        HttpResponse<String> response = send(request("/api/echo/upload").PUT(body),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        EchoReply echo = EchoReply.parse(response.body());
        assertEquals("PUT", echo.get("method"));
        assertEquals(Long.toString(SIZE), echo.get("body-bytes"));
        assertEquals(Payload.sha256(SIZE, 2), echo.get("body-sha256"));
    }

    @Test
    void aLargeDownloadArrivesWhole() throws Exception {
        HttpResponse<InputStream> response = send(request("/api/download?size=" + SIZE + "&seed=3"),
                HttpResponse.BodyHandlers.ofInputStream());

        assertEquals(200, response.statusCode());
        Payload.Digest received;
        try (InputStream in = response.body()) {
            received = Payload.sha256(in);
        }
        assertEquals(SIZE, received.bytes());
        assertEquals(Payload.sha256(SIZE, 3), received.hex());
    }
}
