package dev.streamproxy.example.demo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the README's first command promises: every line the demo prints does what its comment says, through the
 * built WAR deployed in embedded Jetty (here on free ports, so the demo's port rewrite is exercised too, for both
 * upstreams).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class DemoIT {

    private static final long TRANSFER_SIZE = 8L << 20;

    private Demo demo;
    private HttpClient http;

    @BeforeAll
    void startDemo() throws Exception {
        demo = Demo.start(Path.of(System.getProperty("example.war")), 0, 0, 0);
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

    /** Every route, and every target of every route, is back to zero leased connections once nothing is in flight. */
    @AfterEach
    void everyRouteReturnsToZeroLeasedConnections() throws Exception {
        AtomicReference<String> status = new AtomicReference<>("");
        awaitTrue(Duration.ofSeconds(5), () -> {
            status.set(get("/status").body());
            List<String> pools = status.get().lines().filter(line -> line.contains("leased=")).toList();
            // 3 routes: api and legacy with one target each, workers with two
            return pools.size() == 3 + 4 && pools.stream().allMatch(line -> line.contains("leased=0 "));
        }, () -> "connections still leased:\n" + status.get());
    }

    @Test
    void theAppServesItsOwnPageWithoutTheProxy() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("streamproxy example"), page.body());
    }

    @Test
    void theDemoPrintsEveryRouteAndALineForEachThingToTry() {
        assertEquals(List.of(
                new Demo.Route("api", "/api/*", List.of(upstream(demo.upstreamPort()) + "/v1"), null),
                new Demo.Route("legacy", "/legacy/*", List.of(upstream(demo.upstreamPort()) + "/legacy-app"), null),
                new Demo.Route("workers", "/workers/*",
                        List.of(upstream(demo.upstreamPort()) + "/v1", upstream(demo.upstreamPort2()) + "/v1"),
                        "round-robin")),
                demo.routes());
        List<String> lines = demo.curlLines("0123");
        String u = demo.appUrl();
        for (String command : List.of("curl " + u + "/status", "curl -i " + u + "/legacy/hello",
                "for i in 1 2 3 4; do curl -s " + u + "/workers/whoami; done", "curl -i " + u + "/workers/whoami",
                "curl -s " + u + "/metrics | grep streamproxy_requests")) {
            assertTrue(lines.stream().anyMatch(line -> line.startsWith(command + " ")), command + " in " + lines);
        }
        assertTrue(lines.stream().anyMatch(line -> line.contains("/workers/whoami; done")
                && line.contains("upstream " + demo.upstreamPort()) && line.contains("upstream " + demo.upstreamPort2())),
                lines::toString);
    }

    @Test
    void theStatusServletListsEveryRouteWithItsCountersTargetsAndPools() throws Exception {
        HttpResponse<String> response = get("/status");
        assertEquals(200, response.statusCode());
        String status = response.body();
        assertEquals("streamproxy routes: 3", status.lines().findFirst().orElse(""), status);
        assertTrue(route(status, "api").get(0).contains("/api/*") && route(status, "api").get(0).contains("max=64"), status);
        assertTrue(route(status, "legacy").get(0).contains("/legacy/*") && route(status, "legacy").get(0).contains("max=8"),
                status);
        for (String name : List.of("api", "legacy", "workers")) {
            List<String> lines = route(status, name);
            assertTrue(lines.get(1).matches("\\s+requests=\\d+ in-flight=\\d+ ok=\\d+ upstream-errors=\\d+ .* retries=\\d+"),
                    status);
        }
        for (String name : List.of("api", "legacy")) {
            List<String> lines = route(status, name);
            assertEquals(3, lines.size(), status);
            assertTrue(lines.get(2).matches("\\s+target " + Pattern.quote(Demo.HOST + ":" + demo.upstreamPort())
                    + " +weight=1 HEALTHY +in-flight=0 exchanges=\\d+ failures=0 ejections=0 +leased=0 idle=\\d+ pending=0"),
                    status);
        }
    }

    @Test
    void theStatusServletShowsBothTargetsOfTheWorkersRouteHealthy() throws Exception {
        String status = get("/status").body();
        List<String> workers = route(status, "workers");
        assertTrue(workers.get(0).startsWith("workers  /workers/*"), status);
        List<String> targets = workers.stream().filter(line -> line.trim().startsWith("target ")).toList();
        assertEquals(2, targets.size(), status);
        for (int i = 0; i < 2; i++) {
            int port = i == 0 ? demo.upstreamPort() : demo.upstreamPort2();
            assertTrue(targets.get(i).matches("\\s+target " + Pattern.quote(Demo.HOST + ":" + port)
                    + " +weight=1 HEALTHY +in-flight=0 exchanges=\\d+ failures=0 ejections=0 +leased=0 idle=\\d+ pending=0"),
                    status);
        }
    }

    @Test
    void theWorkersRouteAlternatesBetweenTheTwoUpstreams() throws Exception {
        // the printed line: for i in 1 2 3 4; do curl -s .../workers/whoami; done
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> whoami = get("/workers/whoami");
            assertEquals(200, whoami.statusCode());
            answers.add(whoami.body());
        }
        String one = "upstream " + demo.upstreamPort() + "\n";
        String two = "upstream " + demo.upstreamPort2() + "\n";
        assertEquals(Set.of(one, two), Set.copyOf(answers), answers::toString);
        for (int i = 1; i < answers.size(); i++) {
            assertNotEquals(answers.get(i - 1), answers.get(i), "round-robin alternates: " + answers);
        }
    }

    @Test
    void aWorkersAnswerSaysWhichUpstreamAnsweredAndCarriesTheProxysHeaders() throws Exception {
        // the printed line: curl -i .../workers/whoami
        HttpResponse<String> whoami = get("/workers/whoami");
        assertEquals(200, whoami.statusCode());
        Matcher answer = Pattern.compile("upstream (\\d+)\n").matcher(whoami.body());
        assertTrue(answer.matches(), whoami.body());
        assertTrue(Set.of(demo.upstreamPort(), demo.upstreamPort2()).contains(Integer.parseInt(answer.group(1))),
                whoami.body());
        assertEquals(Demo.HOST + ":" + answer.group(1), whoami.headers().firstValue("X-Upstream").orElse(null));
        assertTrue(whoami.headers().firstValue("X-Request-Id").filter(id -> !id.isBlank()).isPresent(),
                whoami.headers()::toString);
        String timing = String.join(", ", whoami.headers().allValues("Server-Timing"));
        assertTrue(timing.contains("upstream;dur=") && timing.contains("proxy;dur="), timing);
    }

    @Test
    void theMetricsServletServesEachRoutesRequestsToPrometheus() throws Exception {
        assertEquals(200, get("/api/echo?for=metrics").statusCode());
        // the printed line: curl -s .../metrics | grep streamproxy_requests
        // The exchange is recorded when it ends, which may be just after the client has its answer: poll.
        AtomicReference<HttpResponse<String>> scrape = new AtomicReference<>();
        Pattern apiCount = Pattern.compile(
                "^streamproxy_requests_seconds_count\\{[^}]*route=\"api\"[^}]*} [1-9][0-9.E]*$", Pattern.MULTILINE);
        awaitTrue(Duration.ofSeconds(5), () -> {
            scrape.set(get("/metrics"));
            return scrape.get().statusCode() == 200 && apiCount.matcher(scrape.get().body()).find();
        }, () -> "no streamproxy_requests_seconds_count for route api in:\n" + scrape.get().body());
        HttpResponse<String> metrics = scrape.get();
        String contentType = metrics.headers().firstValue("Content-Type").orElse("");
        assertTrue(contentType.startsWith("text/plain") && contentType.contains("version=0.0.4"), contentType);
        assertTrue(metrics.body().contains("streamproxy_requests_active{route=\"workers\"}"), metrics.body());
    }

    @Test
    void aGetIsEchoedByTheUpstreamUnderItsBasePathWithTheQueryIntact() throws Exception {
        HttpResponse<String> echo = get("/api/echo?hello=world&x=%2F");
        assertEquals(200, echo.statusCode());
        assertTrue(echo.body().startsWith("upstream received: GET /v1/echo?hello=world&x=%2F HTTP/1.1"), echo.body());
        assertTrue(has(echo.body(), "X-Forwarded-Prefix: /api"), echo.body());
        assertTrue(has(echo.body(), "Host: 127.0.0.1:" + demo.upstreamPort()), echo.body());
        assertEquals(Demo.HOST + ":" + demo.upstreamPort(), echo.headers().firstValue("X-Upstream").orElse(null));
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

    @Test
    void aWebSocketClientGetsEachMessageEchoedThroughTheProxy() throws Exception {
        // the printed line's advice: any WebSocket client at ws://.../api/ws (route api, upstream /v1/ws)
        CompletableFuture<String> echoed = new CompletableFuture<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    echoed.complete(text.toString());
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                echoed.completeExceptionally(error);
                closed.completeExceptionally(error);
            }
        };
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(demo.webSocketUrl()), listener).get(10, TimeUnit.SECONDS);
        try {
            ws.sendText("hello through the proxy", true).get(10, TimeUnit.SECONDS);
            assertEquals("hello through the proxy", echoed.get(10, TimeUnit.SECONDS));
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
            assertEquals(WebSocket.NORMAL_CLOSURE, closed.get(10, TimeUnit.SECONDS), "the upstream answers the close");
        } finally {
            ws.abort();
        }
    }

    @Test
    void aBrowsersHandshakeWithoutContentLengthGetsTheEchoFrameBack() throws Exception {
        // what a browser (and the printed curl line) sends: no Content-Length, then masked frames
        try (Socket socket = new Socket(Demo.HOST, demo.appPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("GET /api/ws HTTP/1.1\r\nHost: " + Demo.HOST + ":" + demo.appPort() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: " + Demo.WEBSOCKET_KEY + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            // RFC 6455's example answer to its example key: the upstream's own, relayed by the proxy
            assertTrue(has(head, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), head);

            out.write(maskedFrame(0x1, "hello, frame".getBytes(StandardCharsets.UTF_8)));
            out.flush();
            assertEquals(0x81, in.read(), "a final text frame");
            int length = in.read();
            assertEquals("hello, frame".length(), length, "an unmasked frame of the echo's length");
            assertEquals("hello, frame", new String(in.readNBytes(length), StandardCharsets.UTF_8));

            out.write(maskedFrame(0x8, new byte[] {0x03, (byte) 0xe8})); // close, 1000
            out.flush();
            assertEquals(0x88, in.read(), "the upstream's close frame");
            in.readNBytes(in.read()); // its status code
            assertEquals(-1, in.read(), "then the end of the connection");
        }
    }

    @Test
    void theDemoPrintsAWebSocketHandshakeAndWhereToPointAWebSocketClient() {
        String u = demo.appUrl();
        String handshake = "curl -i -N -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13'"
                + " -H 'Sec-WebSocket-Key: " + Demo.WEBSOCKET_KEY + "' " + u + "/api/ws";
        List<String> lines = demo.curlLines("0123");
        assertTrue(lines.stream().anyMatch(line -> line.startsWith(handshake + "   # ")
                && line.contains("new WebSocket('ws://" + Demo.HOST + ":" + demo.appPort() + "/api/ws')")),
                lines::toString);
        assertEquals("ws://" + Demo.HOST + ":" + demo.appPort() + "/api/ws", demo.webSocketUrl());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(demo.appUrl() + path)).timeout(Duration.ofSeconds(30));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** @return the lines of one route on the status page: its own line, its counters, its targets */
    private static List<String> route(String status, String name) {
        List<String> lines = new ArrayList<>();
        for (String line : status.lines().toList()) {
            if (line.startsWith(name + " ")) {
                lines.add(line);
            } else if (!lines.isEmpty() && line.startsWith(" ")) {
                lines.add(line);
            } else if (!lines.isEmpty()) {
                break;
            }
        }
        assertTrue(lines.size() >= 3, "route " + name + " with its counters and targets in:\n" + status);
        return lines;
    }

    private static String upstream(int port) {
        return "http://" + Demo.HOST + ":" + port;
    }

    /** Polls {@code condition} until it holds, failing with {@code message} at the deadline. */
    private static void awaitTrue(Duration timeout, Callable<Boolean> condition, Supplier<String> message)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(message.get());
            }
            Thread.sleep(20); // a poll interval, not a wait for something to happen
        }
    }

    /** Reads a response head up to its blank line, byte by byte so no byte after it is consumed. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (int b; !head.toString().endsWith("\r\n\r\n"); ) {
            if ((b = in.read()) == -1) {
                throw new AssertionError("the connection ended within the response head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** @return a client's frame (FIN set, masked as a client must) with a payload under 126 bytes */
    private static byte[] maskedFrame(int opcode, byte[] payload) {
        byte[] mask = {0x37, (byte) 0xfa, 0x21, 0x3d};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    private static boolean has(String echo, String headerLine) {
        return Pattern.compile("^" + Pattern.quote(headerLine) + "$", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE)
                .matcher(echo).find();
    }
}
