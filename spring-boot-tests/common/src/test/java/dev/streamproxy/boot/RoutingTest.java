package dev.streamproxy.boot;

import dev.streamproxy.boot.support.EchoReply;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Scenario 1: what is under {@code /api} goes upstream with its query byte for byte; the rest stays in the app. */
class RoutingTest extends ProxiedAppTest {

    @Test
    void aGetWithAQueryReachesTheUpstreamRawAndUnderItsBasePath() throws Exception {
        HttpResponse<String> response = send(request("/api/echo?a=1&b=%20x").header("X-Probe", "boot"),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        EchoReply echo = EchoReply.parse(response.body());
        assertEquals("GET", echo.get("method"));
        assertEquals("/svc/echo?a=1&b=%20x", echo.get("uri"), "the request target the upstream received");
        assertEquals("boot", echo.header("X-Probe"), echo.toString());
        assertEquals("0", echo.get("body-bytes"));
    }

    @Test
    void theApplicationsOwnEndpointIsNotProxied() throws Exception {
        HttpResponse<String> response = send(request("/hello"), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals("app", response.body(), "answered by the application's controller, not the upstream");
    }
}
