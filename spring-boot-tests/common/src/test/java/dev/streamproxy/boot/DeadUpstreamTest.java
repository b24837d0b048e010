package dev.streamproxy.boot;

import dev.streamproxy.boot.support.BootApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Scenario 5: an upstream that refuses connections is a 502 for the client, and the application lives on. */
class DeadUpstreamTest {

    @Test
    @Timeout(60)
    void anUnreachableUpstreamAnswers502() throws Exception {
        try (BootApp app = BootApp.start("http://127.0.0.1:" + closedPort() + "/svc")) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            HttpResponse<String> proxied = http.send(HttpRequest.newBuilder(app.uri("/api/echo"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> own = http.send(HttpRequest.newBuilder(app.uri("/hello"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(502, proxied.statusCode(), proxied.body());
            assertEquals("app", own.body(), "the application's own endpoint still answers");
            app.awaitNoLeasedConnections(ProxiedAppTest.SETTLE);
        }
    }

    /** @return a loopback port that was just free: bound, then released, so nothing listens on it */
    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
