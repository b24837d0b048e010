package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hop-by-hop policy with hostile {@code Connection} headers, both ways: several {@code Connection} fields, empty
 * ones and empty list elements all count, and every header they name stays on its own hop.
 */
class ConnectionHeaderIT {

    @FaultTest
    void everyNameInSeveralOrEmptyConnectionHeadersIsRemovedFromTheRequest(FaultApp app) throws Exception {
        RawResponse r = app.send(RawRequest.get("/ctx/api/conn")
                .header("Connection", "X-A")
                .header("Connection", "")
                .header("Connection", " , x-b ,, ")
                .header("Connection", "keep-alive, X-Hop-Upper")
                .header("X-A", "1")
                .header("X-B", "2")
                .header("X-HOP-UPPER", "3")
                .header("X-Kept", "4")
                .header("Keep-Alive", "timeout=99")
                .header("Proxy-Connection", "keep-alive")
                .header("Proxy-Authorization", "Basic c2VjcmV0")
                .header("Trailer", "X-T"));

        assertEquals(200, r.status(), r::toString);
        RecordedRequest up = app.upstream().takeRequest();
        assertAll(up.toString(),
                () -> assertEquals(List.of(), up.headers("X-A")),
                () -> assertEquals(List.of(), up.headers("X-B")),
                () -> assertEquals(List.of(), up.headers("X-Hop-Upper"), "names match case-insensitively"),
                () -> assertEquals(List.of("4"), up.headers("X-Kept")),
                () -> assertEquals(List.of(), up.headers("Keep-Alive")),
                () -> assertEquals(List.of(), up.headers("Proxy-Connection")),
                () -> assertEquals(List.of(), up.headers("Proxy-Authorization")),
                () -> assertEquals(List.of(), up.headers("Trailer")),
                () -> assertTrue(Set.of("keep-alive").containsAll(up.head().connectionTokens()),
                        "client Connection tokens forwarded: " + up.head().connectionTokens()));
    }

    @FaultTest
    void responseHeadersNamedInTheUpstreamsConnectionHeadersAreRemoved(FaultApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.respond(200, "OK", "body".getBytes(StandardCharsets.US_ASCII),
                    "Connection: X-Secret",
                    "Connection: ",
                    "Connection: keep-alive, , x-other-secret",
                    "X-Secret: upstream-internal",
                    "X-Other-Secret: upstream-internal",
                    "X-Kept: visible",
                    "Keep-Alive: timeout=77, max=5",
                    "Proxy-Authenticate: Basic realm=\"upstream\"",
                    "Upgrade: h2c",
                    "Trailer: X-Checksum",
                    "Content-Type: text/plain");
        });

        RawResponse r = app.send(RawRequest.get("/ctx/api/resp"));

        assertAll(r.toString(),
                () -> assertEquals(200, r.status()),
                () -> assertEquals("body", r.text()),
                () -> assertEquals(List.of("visible"), r.headers("X-Kept")),
                () -> assertEquals(List.of(), r.headers("X-Secret")),
                () -> assertEquals(List.of(), r.headers("X-Other-Secret")),
                () -> assertEquals(List.of(), r.headers("Proxy-Authenticate")),
                () -> assertEquals(List.of(), r.headers("Upgrade")),
                () -> assertEquals(List.of(), r.headers("Trailer")),
                () -> r.headers("Keep-Alive").forEach(v -> assertNotEquals("timeout=77, max=5", v)),
                () -> assertTrue(!r.head().connectionTokens().contains("x-secret")
                        && !r.head().connectionTokens().contains("x-other-secret"), "upstream Connection forwarded"));
    }
}
