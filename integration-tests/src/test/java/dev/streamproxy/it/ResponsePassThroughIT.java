package dev.streamproxy.it;

import dev.streamproxy.it.support.BodyStreams;
import dev.streamproxy.it.support.ContainerTest;
import dev.streamproxy.it.support.ProxiedApp;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.Route;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the upstream answers reaches the client as it was: redirects not followed, bodies not decoded. */
@Route(name = "verbatim", params = "rewriteRedirects=false")
class ResponsePassThroughIT {

    @ContainerTest
    void withRewriteRedirectsOffTheLocationIsLeftAsSent(ProxiedApp app) throws Exception {
        String sent = "http://" + app.upstream().authority() + "/svc/next";
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.respond(302, "Found", new byte[0], "Location: " + sent, "Content-Location: /svc/x");
        });

        RawResponse r = app.send(RawRequest.get("/ctx/verbatim/start"));

        assertEquals(302, r.status());
        assertEquals(sent, r.header("Location"));
        assertEquals("/svc/x", r.header("Content-Location"));
    }

    @ContainerTest
    void redirectsArePassedThroughNotFollowed(ProxiedApp app) throws Exception {
        for (int status : new int[] {301, 302, 303, 307, 308}) {
            app.upstream().reset();
            app.upstream().handle(ex -> {
                ex.readAndRecord();
                ex.respond(status, "Redirect", "moved".getBytes(StandardCharsets.US_ASCII),
                        "Location: /svc/next");
            });

            RawResponse r = app.send(RawRequest.of("POST", "/ctx/api/start").body("form=1"));

            assertEquals(status, r.status(), r::toString);
            assertEquals("moved", r.text());
            assertEquals(1, app.upstream().requestCount(), status + " was followed by the proxy");
        }
    }

    @ContainerTest
    void aLocationPointingIntoTheTargetIsRewrittenToTheProxy(ProxiedApp app) throws Exception {
        String up = "http://" + app.upstream().authority();
        String proxy = "http://" + app.authority();
        assertLocation(app, up + "/svc/next?x=1#f", proxy + "/ctx/api/next?x=1#f");
        assertLocation(app, up + "/svc", proxy + "/ctx/api");
        assertLocation(app, "/svc/next?x=1", "/ctx/api/next?x=1");
        assertLocation(app, "/svc/", "/ctx/api/");
    }

    @ContainerTest
    void aLocationPointingElsewhereIsLeftAsTheUpstreamSentIt(ProxiedApp app) throws Exception {
        String up = "http://" + app.upstream().authority();
        assertLocation(app, "http://other.example/svc/next", "http://other.example/svc/next");
        assertLocation(app, up + "/other/x", up + "/other/x");
        assertLocation(app, up + "/svcx", up + "/svcx");
        assertLocation(app, "/other/x", "/other/x");
        assertLocation(app, "next?x=1", "next?x=1");
        assertLocation(app, "//other.example/svc/x", "//other.example/svc/x");
    }

    @ContainerTest
    void aContentLocationPointingIntoTheTargetIsRewrittenToo(ProxiedApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.respond(200, "OK", "{}".getBytes(StandardCharsets.US_ASCII),
                    "Content-Location: http://" + app.upstream().authority() + "/svc/items/7");
        });

        RawResponse r = app.send(RawRequest.get("/ctx/api/items/latest"));

        assertEquals("http://" + app.authority() + "/ctx/api/items/7", r.header("Content-Location"));
    }

    @ContainerTest
    void aGzipBodyPassesByteIdenticalWithItsContentEncoding(ProxiedApp app) throws Exception {
        byte[] gzip = gzip("streamproxy does not decode content\n".repeat(2000));
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.respond(200, "OK", gzip, "Content-Type: text/plain", "Content-Encoding: gzip", "Vary: Accept-Encoding");
        });
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(app.uri("/ctx/api/text"))
                .header("Accept-Encoding", "gzip").timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, r.statusCode());
        assertEquals(List.of("gzip"), r.headers().allValues("Content-Encoding"));
        assertArrayEquals(gzip, r.body(), "the gzip bytes must pass unchanged");
        assertEquals(List.of("gzip"), app.upstream().takeRequest().headers("Accept-Encoding"));
    }

    @ContainerTest
    void aChunkedGzipBodyPassesByteIdenticalToo(ProxiedApp app) throws Exception {
        byte[] gzip = gzip("chunk after chunk\n".repeat(5000));
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Encoding: gzip", "Transfer-Encoding: chunked");
            for (int off = 0; off < gzip.length; off += 1000) {
                BodyStreams.writeChunk(ex.out(), gzip, off,
                        Math.min(1000, gzip.length - off));
            }
            BodyStreams.writeLastChunk(ex.out());
        });

        RawResponse r = app.send(RawRequest.get("/ctx/api/text").header("Accept-Encoding", "gzip"));

        assertEquals("gzip", r.header("Content-Encoding"));
        assertArrayEquals(gzip, r.body());
    }

    @ContainerTest
    void everySetCookieIsReturnedInOrder(ProxiedApp app) throws Exception {
        List<String> cookies = List.of(
                "a=1; Path=/",
                "b=2; HttpOnly; Secure",
                "c=3; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/ctx",
                "a=4; Max-Age=0");
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            String[] headers = cookies.stream().map(c -> "Set-Cookie: " + c).toArray(String[]::new);
            ex.respond(200, "OK", new byte[0], headers);
        });

        RawResponse r = app.send(RawRequest.get("/ctx/api/login"));

        assertEquals(cookies, r.headers("Set-Cookie"));
    }

    @ContainerTest
    void otherRepeatedResponseHeadersKeepEveryValueInOrder(ProxiedApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.respond(200, "OK", new byte[0], "Link: </a>; rel=preload", "Vary: Accept", "X-Trace: 1",
                    "Link: </b>; rel=preload", "Vary: Origin", "X-Trace: 2, 3");
        });

        RawResponse r = app.send(RawRequest.get("/ctx/api/page"));

        assertEquals(List.of("</a>; rel=preload", "</b>; rel=preload"), r.headers("Link"));
        assertEquals(List.of("Accept", "Origin"), r.headers("Vary"));
        assertEquals(List.of("1", "2, 3"), r.headers("X-Trace"));
    }

    private static void assertLocation(ProxiedApp app, String sent, String expected) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.respond(302, "Found", new byte[0], "Location: " + sent);
        });
        RawResponse r = app.send(RawRequest.get("/ctx/api/start"));
        assertEquals(302, r.status(), r::toString);
        assertEquals(expected, r.header("Location"), "Location: " + sent);
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
