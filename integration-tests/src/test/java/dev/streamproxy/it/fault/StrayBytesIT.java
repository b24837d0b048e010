package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A response that has no body by definition (204, 304, an answer to HEAD), followed on the wire by bytes the upstream
 * should not have sent. The client must get the right status with no body, and - the dangerous part - the next
 * request on the same pooled connection (each test has its own one-connection route) must get its own answer, not
 * the stray bytes parsed as a response: that would be response desynchronisation, one client's request answered
 * with bytes the upstream meant for no one (or a smuggled response).
 */
class StrayBytesIT {

    /** A complete, well-formed response: if the proxy reads it as the next exchange's answer, the client gets it. */
    private static final String SMUGGLED = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\nX-Smuggled: yes\r\n\r\nsmuggled!";

    @FaultTest
    void strayBytesAfterA204DoNotBecomeTheNextRequestsResponse(FaultApp app) throws Exception {
        bodilessThenNext(app, "one1", "GET", "HTTP/1.1 204 No Content\r\nX-First: 1\r\n\r\n", 204);
    }

    @FaultTest
    void strayBytesAfterA304DoNotBecomeTheNextRequestsResponse(FaultApp app) throws Exception {
        bodilessThenNext(app, "one2", "GET", "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nX-First: 1\r\n\r\n", 304);
    }

    @FaultTest
    void aBodySentAfterAHeadResponseDoesNotBecomeTheNextRequestsResponse(FaultApp app) throws Exception {
        // the HEAD answer declares the length of the body a GET would get, then wrongly sends that body
        String head = "HTTP/1.1 200 OK\r\nContent-Length: " + SMUGGLED.length() + "\r\nX-First: 1\r\n\r\n";
        bodilessThenNext(app, "one3", "HEAD", head, 200);
    }

    @FaultTest
    void a204WithAContentLengthAndABodyDoesNotCorruptTheNextRequest(FaultApp app) throws Exception {
        String head = "HTTP/1.1 204 No Content\r\nContent-Length: " + SMUGGLED.length() + "\r\nX-First: 1\r\n\r\n";
        bodilessThenNext(app, "one4", "GET", head, 204);
    }

    @FaultTest
    void bytesBeyondTheContentLengthDoNotBecomeTheNextRequestsResponse(FaultApp app) throws Exception {
        // not bodiless, but the same desynchronisation: the body is longer than its Content-Length says
        app.upstream().handle(ex -> {
            RecordedRequest req = ex.readAndRecord();
            if (req.target().endsWith("/first")) {
                ex.out().write(("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-First: 1\r\n\r\nhello" + SMUGGLED)
                        .getBytes(StandardCharsets.US_ASCII));
                ex.out().flush();
            } else {
                ex.respond(200, "OK", "fresh".getBytes(StandardCharsets.US_ASCII), "X-Second: 1");
            }
        });

        RawResponse first = app.send(RawRequest.get("/ctx/one5/first"));
        RawResponse second = app.send(RawRequest.get("/ctx/one5/second"));

        Findings.record(app, "stray bytes", "GET -> 200 with Content-Length 5 and more bytes",
                "next request got " + second.head().startLine() + " '" + second.text() + "'"
                        + (second.header("X-Smuggled") != null ? " (SMUGGLED RESPONSE)" : ""));
        assertAll("first: " + first + "\nsecond: " + second,
                () -> assertEquals(200, first.status()),
                () -> assertEquals("hello", first.text()),
                () -> assertNull(second.header("X-Smuggled"), "the stray bytes became the next request's response"),
                () -> assertEquals("fresh", second.text()));
    }

    private static void bodilessThenNext(FaultApp app, String route, String method, String bodilessHead,
                                         int expectedStatus) throws Exception {
        app.upstream().handle(ex -> {
            RecordedRequest req = ex.readAndRecord();
            if (req.target().endsWith("/first")) {
                // head and stray bytes in one write, as a misbehaving server would send them
                ex.out().write((bodilessHead + SMUGGLED).getBytes(StandardCharsets.US_ASCII));
                ex.out().flush();
            } else {
                ex.respond(200, "OK", "fresh".getBytes(StandardCharsets.US_ASCII), "X-Second: 1");
            }
        });

        RawResponse first = app.send(RawRequest.of(method, "/ctx/" + route + "/first"));
        RawResponse second = app.send(RawRequest.get("/ctx/" + route + "/second"));

        Findings.record(app, "stray bytes", method + " -> " + bodilessHead.split("\r\n")[0],
                "next request got " + second.head().startLine() + " '" + second.text() + "'"
                        + (second.header("X-Smuggled") != null ? " (SMUGGLED RESPONSE)" : ""));
        assertAll("first: " + first + "\nsecond: " + second,
                () -> assertEquals(expectedStatus, first.status()),
                () -> assertEquals(0, first.body().length),
                () -> assertEquals("1", first.header("X-First")),
                () -> assertEquals(200, second.status()),
                () -> assertNull(second.header("X-Smuggled"), "the stray bytes became the next request's response"),
                () -> assertEquals("fresh", second.text()),
                () -> assertEquals(List.of("1"), second.headers("X-Second")));
    }
}
