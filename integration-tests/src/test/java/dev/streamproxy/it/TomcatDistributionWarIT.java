package dev.streamproxy.it;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.Deployment;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;
import dev.streamproxy.it.support.Smoke;
import dev.streamproxy.it.support.TomcatDistribution;
import dev.streamproxy.it.tunnel.RawUpgrade;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example WAR, with the filter and its jars in {@code WEB-INF/lib}, deployed as {@code webapps/example.war} into
 * a real Tomcat distribution started with its own {@code bin/catalina.sh run}: what "Deploying to Tomcat" in the
 * README tells users to do. The WAR is deployed as built except for one thing: its {@code web.xml} targets the demo
 * upstream at {@code 127.0.0.1:9090}, which this test replaces with its own upstream's ephemeral port.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TomcatDistributionWarIT {

    private static final String DEMO_UPSTREAM = "http://127.0.0.1:9090";
    private static final Duration TUNNEL_WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final Deployment.Deployments DEPLOYMENTS = new Deployment.Deployments("example-war", (base, upstream) -> {
        Path war = Path.of(System.getProperty("streamproxy.it.example.war"));
        retarget(war, base.resolve("webapps/example.war"), "http://" + upstream.authority());
    });

    static Stream<Named<Path>> distributions() {
        return TomcatDistribution.homes().stream().map(h -> Named.of("Tomcat " + TomcatDistribution.version(h), h));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void theApplicationsOwnStatusPageListsEveryRouteAndTarget(Path home) throws Exception {
        Deployment d = DEPLOYMENTS.on(home);

        RawResponse r = d.send(RawRequest.get("/example/status"));

        assertEquals(200, r.status(), r::toString);
        assertTrue(r.text().contains("streamproxy routes: 3"), r.text());
        assertTrue(r.text().matches("(?s).*api .*leased=0.*"), r.text());
        assertTrue(r.text().matches("(?s).*legacy .*leased=0.*"), r.text());
        assertTrue(r.text().matches("(?s).*workers .*target 127\\.0\\.0\\.1:\\d+ .*target 127\\.0\\.0\\.1:\\d+ .*"),
                r.text());
        assertEquals(0, d.upstream().requestCount());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void aGetOnTheApiRouteReachesTheUpstreamUnderItsBasePath(Path home) throws Exception {
        Deployment d = DEPLOYMENTS.on(home);
        d.upstream().reset();

        RawResponse r = d.send(RawRequest.get("/example/api/echo?hello=world&x=%20y"));

        assertEquals(200, r.status(), r::toString);
        RecordedRequest up = d.upstream().takeRequest();
        assertEquals("/v1/echo?hello=world&x=%20y", up.target());
        assertEquals(List.of(d.upstream().authority()), up.headers("Host"));
        assertEquals(List.of("/example/api"), up.headers("X-Forwarded-Prefix"));
        awaitIdlePools(d);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void theLegacyRouteForwardsToItsOwnBasePathWithTheClientsHost(Path home) throws Exception {
        Deployment d = DEPLOYMENTS.on(home);
        d.upstream().reset();

        RawResponse r = d.send(RawRequest.get("/example/legacy/page").header("Host", "app.example.test"));

        assertEquals(200, r.status(), r::toString);
        RecordedRequest up = d.upstream().takeRequest();
        assertEquals("/legacy-app/page", up.target());
        assertEquals(List.of("app.example.test"), up.headers("Host"), "preserveHost");
        awaitIdlePools(d);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void sixteenMebibytesEachWayArriveByteIdentical(Path home) throws Exception {
        Deployment d = DEPLOYMENTS.on(home);

        Smoke.bodiesArriveByteIdentical(d.upstream(), d.uri("/example/api/upload"), d.uri("/example/api/download"));

        awaitIdlePools(d);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void theClientReceivesTheFirstEventBeforeTheUpstreamSendsTheSecond(Path home) throws Exception {
        Deployment d = DEPLOYMENTS.on(home);

        Smoke.eventsArriveOneByOne(d.upstream(), d.uri("/example/api/events"));

        awaitIdlePools(d);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void pathsOutsideThePrefixesAreServedByTheApplication(Path home) throws Exception {
        Deployment d = DEPLOYMENTS.on(home);
        d.upstream().reset();

        RawResponse index = d.send(RawRequest.get("/example/"));
        RawResponse apix = d.send(RawRequest.get("/example/apix"));

        assertEquals(200, index.status(), index::toString);
        assertTrue(index.text().contains("streamproxy"), index.text());
        assertEquals(404, apix.status(), apix::toString);
        assertEquals(0, d.upstream().requestCount(), "nothing may reach the upstream");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void anUpstreamThatResetsTheConnectionGives502(Path home) throws Exception {
        Deployment d = DEPLOYMENTS.on(home);
        d.upstream().handle(ex -> {
            ex.socket().setSoLinger(true, 0);
            ex.closeAfter(); // reset before any response: the upstream failed
        });

        RawResponse r = d.send(RawRequest.get("/example/api/broken"));

        assertEquals(502, r.status(), r::toString);
        d.upstream().reset();
        awaitIdlePools(d);
    }

    /**
     * A browser's WebSocket handshake (no {@code Content-Length}) on the api route: the upstream's {@code 101} comes
     * back, then the tunnel carries exactly the bytes each side writes, and the client's close reaches the upstream
     * as an orderly end of stream.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void aWebSocketTunnelCarriesBytesBothWaysAndEndsWhenTheClientCloses(Path home) throws Exception {
        Deployment d = DEPLOYMENTS.on(home);
        byte[] fromClient = maskedTextFrame("hello upstream");
        byte[] fromUpstream = RawUpgrade.serverTextFrame("hello client");
        CompletableFuture<HttpHead> handshake = new CompletableFuture<>();
        CompletableFuture<byte[]> atUpstream = new CompletableFuture<>();
        CompletableFuture<RawUpgrade.Read> upstreamEnd = new CompletableFuture<>();
        d.upstream().handle(ex -> {
            handshake.complete(ex.head());
            RawUpgrade.switchProtocols(ex);
            ex.socket().setSoTimeout((int) TUNNEL_WAIT.toMillis());
            InputStream in = ex.socket().getInputStream();
            atUpstream.complete(in.readNBytes(fromClient.length));
            ex.out().write(fromUpstream);
            ex.out().flush();
            upstreamEnd.complete(RawUpgrade.readToEnd(ex.socket(), in, TUNNEL_WAIT));
        });
        try {
            try (ClientConnection c = ClientConnection.open(d.tomcat().port())) {
                c.send(RawUpgrade.websocketWithoutContentLength("/example/api/ws"));
                HttpHead head = c.readHead();
                assertTrue(head.startLine().startsWith("HTTP/1.1 101"), head::toString);
                assertEquals(RawUpgrade.accept(RawUpgrade.KEY), head.first("Sec-WebSocket-Accept"), head::toString);

                c.write(fromClient);
                assertArrayEquals(fromClient, atUpstream.get(TUNNEL_WAIT.toMillis(), TimeUnit.MILLISECONDS),
                        "the upstream reads exactly the client's bytes");
                assertArrayEquals(fromUpstream, c.input().readNBytes(fromUpstream.length),
                        "the client reads exactly the upstream's bytes");
            }
            assertEquals(new RawUpgrade.Read("", RawUpgrade.Read.EOF),
                    upstreamEnd.get(2 * TUNNEL_WAIT.toMillis(), TimeUnit.MILLISECONDS), // beyond the read's own deadline
                    "the client's close reaches the upstream as an orderly end, nothing more");
            HttpHead up = handshake.get(TUNNEL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals("GET /v1/ws HTTP/1.1", up.startLine());
            assertEquals("websocket", up.first("Upgrade"));
            assertEquals(RawUpgrade.KEY, up.first("Sec-WebSocket-Key"));
        } finally {
            d.upstream().reset();
        }
        awaitIdlePools(d);
    }

    /** @return a client's text frame (FIN set, masked as every client frame must be), under 126 bytes */
    private static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x11, 0x7f, (byte) 0xa5, 0x3c};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    /** The application's status page is how an operator sees the pools: both must be back to zero leased. */
    private static void awaitIdlePools(Deployment d) {
        Await.until(Duration.ofSeconds(5), "both pools back to zero leased connections", () -> {
            try {
                String status = d.send(RawRequest.get("/example/status")).text();
                return status.lines().filter(l -> l.contains("leased=")).allMatch(l -> l.contains("leased=0"));
            } catch (Exception e) {
                return false;
            }
        }, () -> "see /example/status");
    }

    /** Copies the WAR entry by entry, pointing its web.xml at {@code upstream} instead of the demo upstream. */
    static void retarget(Path war, Path target, String upstream) throws IOException {
        boolean replaced = false;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(war));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.putNextEntry(new ZipEntry(e.getName()));
                if (e.getName().equals("WEB-INF/web.xml")) {
                    String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    replaced = xml.contains(DEMO_UPSTREAM);
                    out.write(xml.replace(DEMO_UPSTREAM, upstream).getBytes(StandardCharsets.UTF_8));
                } else {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        if (!replaced) {
            throw new IllegalStateException(war + ": WEB-INF/web.xml no longer targets " + DEMO_UPSTREAM);
        }
    }
}
