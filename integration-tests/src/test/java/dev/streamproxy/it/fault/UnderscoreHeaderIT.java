package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Header names with underscores. CGI-style upstreams (PHP, WSGI, Rack) read {@code X_Auth_User} and the
 * {@code X-Auth-User} an authentication layer set as the same variable, so a client could override an identity
 * header with an underscore spelling. By default ({@code allowUnderscoreHeaders=false}, as nginx and Apache httpd do)
 * every request header whose name contains {@code _} is dropped. A route that allows them (the {@code underscores}
 * route, declared with init-params) forwards ordinary underscore names, but never a name that differs from a header
 * the proxy drops or replaces only by {@code _} for {@code -} ({@code X_Forwarded_For} would smuggle a spoofed
 * address past the proxy's own {@code X-Forwarded-For}).
 */
class UnderscoreHeaderIT {

    @FaultTest
    void byDefaultEveryHeaderNameWithAnUnderscoreIsDropped(FaultApp app) throws Exception {
        RecordedRequest up = forward(app, "api");

        assertAll(up.toString(),
                () -> assertEquals(List.of(), underscoreNames(up), "underscore names reached the upstream"),
                () -> assertEquals(List.of("127.0.0.1"), up.headers("X-Forwarded-For")),
                () -> assertEquals(List.of("plain"), up.headers("X-Plain-Header")));
    }

    @FaultTest
    void aRouteThatAllowsUnderscoresStillDropsTheTwinsOfProtectedHeaders(FaultApp app) throws Exception {
        RecordedRequest up = forward(app, "underscores");

        assertAll(up.toString(),
                () -> assertEquals(List.of("kept"), up.headers("X_Custom_Header")),
                () -> assertEquals(List.of("kept too"), up.headers("My_Token")),
                () -> assertEquals(List.of(), up.headers("X_Forwarded_For")),
                () -> assertEquals(List.of(), up.headers("x_forwarded_host")),
                () -> assertEquals(List.of(), up.headers("X-Forwarded_Proto")),
                () -> assertEquals(List.of(), up.headers("X_Real_IP")),
                () -> assertEquals(List.of(), up.headers("Proxy_Authorization")),
                () -> assertEquals(List.of(), up.headers("Keep_Alive")),
                () -> assertEquals(List.of("x_custom_header", "my_token"), underscoreNames(up)),
                () -> assertEquals(List.of("127.0.0.1"), up.headers("X-Forwarded-For")),
                () -> assertEquals(List.of("plain"), up.headers("X-Plain-Header")));
    }

    /** Sends the same headers through {@code route} and returns what the upstream received. */
    private static RecordedRequest forward(FaultApp app, String route) throws Exception {
        RawResponse r = app.send(RawRequest.get("/ctx/" + route + "/underscore")
                .header("X_Forwarded_For", "6.6.6.6")
                .header("x_forwarded_host", "evil.example")
                .header("X-Forwarded_Proto", "https")
                .header("X_Real_IP", "6.6.6.6")
                .header("Proxy_Authorization", "Basic c2VjcmV0")
                .header("Keep_Alive", "timeout=1")
                .header("X_Custom_Header", "kept")
                .header("My_Token", "kept too")
                .header("X-Plain-Header", "plain"));

        Findings.record(app, "underscore header", "X_Forwarded_For etc. via " + route, "status " + r.status());
        assertEquals(200, r.status(), r::toString);
        return app.upstream().takeRequest();
    }

    /** @return the names containing {@code _} the upstream received, lower-cased (Tomcat 10.1 lower-cases them) */
    private static List<String> underscoreNames(RecordedRequest up) {
        return up.head().fields().stream().map(Map.Entry::getKey).filter(n -> n.indexOf('_') >= 0)
                .map(n -> n.toLowerCase(Locale.ROOT)).toList();
    }
}
