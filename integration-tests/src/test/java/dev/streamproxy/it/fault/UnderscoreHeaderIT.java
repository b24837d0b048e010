package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Header names with underscores, per the documented rule: a name that differs from a header the proxy drops or
 * replaces only by {@code _} for {@code -} is dropped too (CGI-style upstreams such as PHP or WSGI read
 * {@code X_Forwarded_For} and {@code X-Forwarded-For} as the same variable, so it would smuggle a spoofed address
 * past the replacement); every other underscore name is an ordinary end-to-end header and is forwarded.
 */
class UnderscoreHeaderIT {

    @FaultTest
    void anUnderscoreTwinOfAReplacedOrHopByHopHeaderIsDroppedAndOtherUnderscoreNamesAreKept(FaultApp app)
            throws Exception {
        RawResponse r = app.send(RawRequest.get("/ctx/api/underscore")
                .header("X_Forwarded_For", "6.6.6.6")
                .header("x_forwarded_host", "evil.example")
                .header("X-Forwarded_Proto", "https")
                .header("X_Real_IP", "6.6.6.6")
                .header("Proxy_Authorization", "Basic c2VjcmV0")
                .header("Keep_Alive", "timeout=1")
                .header("X_Custom_Header", "kept")
                .header("My_Token", "kept too"));

        Findings.record(app, "underscore header", "X_Forwarded_For etc.", "status " + r.status());
        assertEquals(200, r.status(), r::toString);
        RecordedRequest up = app.upstream().takeRequest();
        assertAll(up.toString(),
                () -> assertEquals(List.of(), up.headers("X_Forwarded_For")),
                () -> assertEquals(List.of(), up.headers("X_Forwarded_Host")),
                () -> assertEquals(List.of(), up.headers("X-Forwarded_Proto")),
                () -> assertEquals(List.of(), up.headers("X_Real_IP")),
                () -> assertEquals(List.of(), up.headers("Proxy_Authorization")),
                () -> assertEquals(List.of(), up.headers("Keep_Alive")),
                () -> assertEquals(List.of("127.0.0.1"), up.headers("X-Forwarded-For")),
                () -> assertEquals(List.of("kept"), up.headers("X_Custom_Header")),
                () -> assertEquals(List.of("kept too"), up.headers("My_Token")));
    }
}
