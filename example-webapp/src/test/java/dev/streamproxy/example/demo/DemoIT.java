package dev.streamproxy.example.demo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the README's first command promises: every line the demo prints does what its comment says, through the
 * built WAR deployed in embedded Jetty (here on free ports, so the demo's port rewrite is exercised too).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class DemoIT {

    private static final long TRANSFER_SIZE = 8L << 20;

    private Demo demo;
    private HttpClient http;

    @BeforeAll
    void startDemo() throws Exception {
        demo = Demo.start(Path.of(System.getProperty("example.war")), 0, 0);
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    void stopDemo() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @AfterEach
    void everyRouteReturnsToZeroLeasedConnections() throws Exception {
        String status = "";
        for (int i = 0; i < 50; i++) {
            status = get("/status").body();
            if (Pattern.compile("leased=0 ").matcher(status).results().count() == 2) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("connections still leased:\n" + status);
    }

    @Test
    void theAppServesItsOwnPageWithoutTheProxy() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("streamproxy example"), page.body());
    }

    @Test
    void theStatusServletListsBothRoutesWithTheirPools() throws Exception {
        String status = get("/status").body();
        assertTrue(status.contains("streamproxy routes: 2"), status);
        assertTrue(status.contains("/api/*") && status.contains("max=64"), status);
        assertTrue(status.contains("/legacy/*") && status.contains("max=8"), status);
    }

    @Test
    void aGetIsEchoedByTheUpstreamUnderItsBasePathWithTheQueryIntact() throws Exception {
        HttpResponse<String> echo = get("/api/echo?hello=world&x=%2F");
        assertEquals(200, echo.statusCode());
        assertTrue(echo.body().startsWith("upstream received: GET /v1/echo?hello=world&x=%2F HTTP/1.1"), echo.body());
        assertTrue(has(echo.body(), "X-Forwarded-Prefix: /api"), echo.body());
        assertTrue(has(echo.body(), "Host: 127.0.0.1:" + demo.upstreamPort()), echo.body());
    }

    @Test
    void aPostBodyReachesTheUpstream() throws Exception {
        HttpResponse<String> echo = http.send(request("/api/echo")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("hello proxy")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, echo.statusCode());
        assertTrue(echo.body().startsWith("upstream received: POST /v1/echo HTTP/1.1"), echo.body());
        assertTrue(echo.body().contains("body: 11 bytes") && echo.body().endsWith("hello proxy\n"), echo.body());
    }

    @Test
    void theSecondRouteGoesToItsOwnBasePathAndKeepsTheClientsHost() throws Exception {
        HttpResponse<String> echo = get("/legacy/hello");
        assertTrue(echo.body().startsWith("upstream received: GET /legacy-app/hello HTTP/1.1"), echo.body());
        assertTrue(has(echo.body(), "Host: 127.0.0.1:" + demo.appPort()), echo.body());
    }

    @Test
    void anUpstreamRedirectIsRewrittenToTheProxyUrl() throws Exception {
        HttpResponse<String> redirect = get("/api/redirect");
        assertEquals(302, redirect.statusCode());
        assertEquals(demo.appUrl() + "/api/echo", redirect.headers().firstValue("Location").orElse(null));
    }

    @Test
    void aChunkedUploadArrivesWholeAtTheUpstream() throws Exception {
        HttpResponse<String> echo = http.send(request("/api/upload")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> DemoContent.inputStream(TRANSFER_SIZE))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, echo.statusCode());
        assertTrue(echo.body().contains("body: " + TRANSFER_SIZE + " bytes, sha256 " + DemoContent.sha256(TRANSFER_SIZE)),
                echo.body());
    }

    @Test
    void anUploadWithContentLengthArrivesWholeAtTheUpstream() throws Exception {
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> DemoContent.inputStream(TRANSFER_SIZE)), TRANSFER_SIZE);
        HttpResponse<String> echo = http.send(request("/api/upload").PUT(body).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(has(echo.body(), "Content-Length: " + TRANSFER_SIZE), echo.body());
        assertTrue(echo.body().contains("body: " + TRANSFER_SIZE + " bytes, sha256 " + DemoContent.sha256(TRANSFER_SIZE)),
                echo.body());
    }

    @Test
    void aDownloadArrivesWithTheChecksumTheLauncherPrints() throws Exception {
        HttpResponse<InputStream> download = http.send(request("/api/download?size=8MiB").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, download.statusCode());
        MessageDigest digest = DemoContent.newSha256();
        long total;
        try (InputStream in = new DigestInputStream(download.body(), digest)) {
            total = in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertEquals(TRANSFER_SIZE, total);
        assertEquals(DemoContent.sha256(TRANSFER_SIZE), HexFormat.of().formatHex(digest.digest()));
        assertTrue(demo.curlLines(DemoContent.sha256(100L << 20)).stream()
                .anyMatch(line -> line.contains("download?size=100MiB") && line.contains(DemoContent.sha256(100L << 20))));
    }

    @Test
    void serverSentEventsArriveOneByOneNotAllAtTheEnd() throws Exception {
        HttpResponse<Stream<String>> events = http.send(request("/api/events?count=3").build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, events.statusCode());
        List<Long> arrivals = new ArrayList<>();
        try (Stream<String> lines = events.body()) {
            lines.filter(line -> line.startsWith("data: ")).forEach(line -> arrivals.add(System.nanoTime()));
        }
        assertEquals(3, arrivals.size());
        // The upstream sends one event a second; a proxy that buffered would deliver all three together.
        long spreadMillis = (arrivals.get(2) - arrivals.get(0)) / 1_000_000;
        assertTrue(spreadMillis >= 1500, "events arrived within " + spreadMillis + " ms of each other");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(demo.appUrl() + path)).timeout(Duration.ofSeconds(30));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean has(String echo, String headerLine) {
        return Pattern.compile("^" + Pattern.quote(headerLine) + "$", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE)
                .matcher(echo).find();
    }
}
