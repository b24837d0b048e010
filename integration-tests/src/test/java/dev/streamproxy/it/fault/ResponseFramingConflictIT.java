package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * An upstream response whose length two HTTP parsers could read differently (RFC 9112 6.3): {@code Content-Length}
 * with {@code Transfer-Encoding}, two {@code Content-Length}s that disagree, a list of lengths in one field, a
 * {@code Transfer-Encoding} that does not end in {@code chunked} or has codings before it. Relaying any of them would
 * let the proxy and the client disagree on where the response ends (response splitting), and keeping the connection
 * would let the rest of it become the next request's answer. So the client gets 502 with nothing of the response,
 * and the next request on the same route (one connection at most, a route of its own per test) is served on a fresh
 * upstream connection and answered correctly.
 */
class ResponseFramingConflictIT {

    @FaultTest
    void contentLengthWithTransferEncodingChunkedGives502(FaultApp app) throws Exception {
        conflictThenNext(app, "one1", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    }

    @FaultTest
    void twoDifferentContentLengthsGive502(FaultApp app) throws Exception {
        conflictThenNext(app, "one2", "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
    }

    @FaultTest
    void aListOfContentLengthsInOneFieldGives502(FaultApp app) throws Exception {
        conflictThenNext(app, "one3", "Content-Length: 5, 6\r\n\r\nhello!");
    }

    @FaultTest
    void aTransferEncodingNotEndingInChunkedGives502(FaultApp app) throws Exception {
        conflictThenNext(app, "one4", "Transfer-Encoding: gzip\r\n\r\nhello");
    }

    @FaultTest
    void aCodingBeforeChunkedGives502(FaultApp app) throws Exception {
        conflictThenNext(app, "one5", "Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    }

    /**
     * The first request gets a 200 head with {@code framing} (header fields, empty line and body as they go on the
     * wire); the second gets an ordinary answer on whichever connection it arrives.
     */
    private static void conflictThenNext(FaultApp app, String route, String framing) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            if (ex.target().endsWith("/first")) {
                ex.out().write(("HTTP/1.1 200 OK\r\nX-First: 1\r\n" + framing).getBytes(StandardCharsets.US_ASCII));
                ex.out().flush();
            } else {
                ex.respond(200, "OK", "fresh".getBytes(StandardCharsets.US_ASCII), "X-Second: 1");
            }
        });

        RawResponse first = app.send(RawRequest.get("/ctx/" + route + "/first"));
        int connectionsAfterFirst = app.upstream().connectionsAccepted();
        RawResponse second = app.send(RawRequest.get("/ctx/" + route + "/second"));

        String fields = framing.substring(0, framing.indexOf("\r\n\r\n")).replace("\r\n", " | ");
        int newConnections = app.upstream().connectionsAccepted() - connectionsAfterFirst;
        Findings.record(app, "response framing", fields, "client got " + first.status() + "; next request got "
                + second.status() + " '" + second.text() + "' on " + newConnections + " new connection(s)");
        assertAll("first: " + first + "\nsecond: " + second,
                () -> assertEquals(502, first.status()),
                () -> assertNull(first.header("X-First"), "the conflicting response was relayed"),
                () -> assertEquals(200, second.status()),
                () -> assertEquals("fresh", second.text()),
                () -> assertEquals(1, newConnections, "the next request was not sent on a fresh connection: "
                        + "the one that carried the conflicting response was reused"),
                () -> assertEquals(2, app.upstream().requestCount(), "the upstream did not get exactly 2 requests"));
    }
}
