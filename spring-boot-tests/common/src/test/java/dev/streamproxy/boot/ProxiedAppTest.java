package dev.streamproxy.boot;

import dev.streamproxy.boot.support.BootApp;
import dev.streamproxy.boot.support.Upstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One upstream and one running Spring Boot application proxying {@code /api/*} to it, shared by the tests of a
 * class. After every test the proxy's pool must have returned all its connections: a leak in any scenario fails
 * that scenario.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
abstract class ProxiedAppTest {

    /** Generous for a loaded CI machine; a healthy exchange takes milliseconds. */
    static final Duration SETTLE = Duration.ofSeconds(10);
    static final int MIB = 1024 * 1024;

    Upstream upstream;
    BootApp app;
    final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeAll
    void startUpstreamAndApp() throws IOException {
        upstream = Upstream.start();
        app = BootApp.start(upstream.target());
    }

    @AfterEach
    void poolReturnsEveryConnection() {
        app.awaitNoLeasedConnections(SETTLE);
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** @return a request to the application for a path with optional raw query */
    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(app.uri(pathAndQuery)).timeout(Duration.ofSeconds(30));
    }

    <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        return http.send(request.build(), body);
    }
}
