package dev.streamproxy.it;

import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.ContainerTest;
import dev.streamproxy.it.support.ProxiedApp;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Every method the filter forwards, with and without a body, and the two it refuses. */
class MethodsIT {

    @ContainerTest
    void methodsWithoutABodyAreForwardedWithoutInventedFraming(ProxiedApp app) throws Exception {
        for (String method : new String[] {"GET", "DELETE", "OPTIONS"}) {
            RawResponse r = app.send(RawRequest.of(method, "/ctx/api/m?x=1"));

            assertEquals(200, r.status(), method);
            assertEquals(method, r.header("X-Echo-Method"), method);
            RecordedRequest up = app.upstream().takeRequest();
            assertEquals(method + " /svc/m?x=1 HTTP/1.1", up.head().startLine(), method);
            assertNull(up.header("Content-Length"), method + " must not get a synthetic Content-Length");
            assertNull(up.header("Transfer-Encoding"), method + " must not get a synthetic Transfer-Encoding");
        }
    }

    @ContainerTest
    void methodsWithABodyAreForwardedWithTheBodyAndItsLength(ProxiedApp app) throws Exception {
        for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE"}) {
            byte[] body = ("body of " + method + " \u20ac").getBytes(StandardCharsets.UTF_8);
            RawResponse r = app.send(RawRequest.of(method, "/ctx/api/m")
                    .header("Content-Type", "application/octet-stream").body(body));

            assertEquals(200, r.status(), method);
            RecordedRequest up = app.upstream().takeRequest();
            assertEquals(method, up.method());
            assertEquals(Integer.toString(body.length), up.header("Content-Length"), method);
            assertArrayEquals(body, up.body(), method);
            assertEquals("application/octet-stream", up.header("Content-Type"), method);
        }
    }

    @ContainerTest
    void anEmptyPostKeepsItsZeroContentLength(ProxiedApp app) throws Exception {
        RawResponse r = app.send(RawRequest.of("POST", "/ctx/api/empty").body(new byte[0]));

        assertEquals(200, r.status());
        RecordedRequest up = app.upstream().takeRequest();
        assertEquals("0", up.header("Content-Length"));
        assertEquals(0, up.body().length);
    }

    @ContainerTest
    void aChunkedUploadIsForwardedChunked(ProxiedApp app) throws Exception {
        RawResponse r = app.send(RawRequest.of("PUT", "/ctx/api/chunked")
                .header("Transfer-Encoding", "chunked")
                .body("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));

        assertEquals(200, r.status());
        RecordedRequest up = app.upstream().takeRequest();
        assertEquals("chunked", up.header("Transfer-Encoding"));
        assertNull(up.header("Content-Length"));
        assertEquals("hello world", up.bodyText());
    }

    @ContainerTest
    void headIsForwardedAndItsResponseCarriesNoBody(ProxiedApp app) throws Exception {
        app.upstream().handle(ex -> ex.respond(200, "OK", new byte[0],
                "Content-Type: text/plain", "Content-Length: 1234"));

        try (ClientConnection c = app.connect()) {
            RawResponse head = c.send(RawRequest.of("HEAD", "/ctx/api/resource")).readResponse("HEAD");
            assertEquals(200, head.status());
            assertEquals(0, head.body().length);
            assertEquals("HEAD", app.upstream().takeArrival(java.time.Duration.ofSeconds(5)).method());

            // had the proxy sent body bytes after the HEAD response, they would be read as this response's head
            app.upstream().reset();
            RawResponse next = c.send(RawRequest.get("/ctx/other")).readResponse("GET");
            assertEquals(200, next.status(), next::toString);
            assertEquals("app GET /ctx/other", next.text());
        }
    }

    @ContainerTest
    void noContentAndNotModifiedCarryNoBody(ProxiedApp app) throws Exception {
        for (int status : new int[] {204, 304}) {
            app.upstream().handle(ex -> {
                ex.readAndRecord();
                ex.respond(status, status == 204 ? "No Content" : "Not Modified", new byte[0], "ETag: \"v1\"");
            });
            try (ClientConnection c = app.connect()) {
                RawResponse r = c.send(RawRequest.get("/ctx/api/cached")).readResponse("GET");
                assertEquals(status, r.status());
                assertEquals(0, r.body().length);
                assertEquals("\"v1\"", r.header("ETag"));

                RawResponse next = c.send(RawRequest.get("/ctx/other")).readResponse("GET");
                assertEquals("app GET /ctx/other", next.text(), "the connection must be intact after " + status);
            }
        }
    }

    @ContainerTest
    void traceIsRefusedWith405AndNeverForwarded(ProxiedApp app) throws Exception {
        RawResponse r = app.send(RawRequest.of("TRACE", "/ctx/api/m").header("Cookie", "secret=1"));

        assertEquals(405, r.status(), r::toString);
        if (app.kind().isJetty()) {
            // Jetty hands TRACE to the application: the filter itself refuses it
            assertEquals("405 Method Not Allowed\n", r.text());
        } else {
            // Tomcat refuses TRACE in the connector (allowTrace=false by default) before any filter runs
            assertEquals("OPTIONS", r.header("Allow"));
        }
        assertEquals(0, app.upstream().requestCount(), "nothing may reach the upstream");
    }

    @ContainerTest
    void connectNeverReachesTheUpstream(ProxiedApp app) throws Exception {
        RawResponse originForm = app.send(RawRequest.of("CONNECT", "/ctx/api/m"));
        RawResponse authorityForm = app.send(RawRequest.of("CONNECT", app.upstream().authority()));

        // no container passes CONNECT to a filter: Jetty's parser rejects it (400), Tomcat answers 501
        int expected = app.kind().isJetty() ? 400 : 501;
        assertEquals(expected, originForm.status(), originForm::toString);
        assertEquals(expected, authorityForm.status(), authorityForm::toString);
        assertEquals(0, app.upstream().requestCount(), "nothing may reach the upstream");
    }
}
