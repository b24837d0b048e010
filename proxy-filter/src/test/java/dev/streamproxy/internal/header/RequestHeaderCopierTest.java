package dev.streamproxy.internal.header;

import dev.streamproxy.internal.TestRequests;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestHeaderCopierTest {

    private static BasicClassicHttpRequest copy(boolean preserveHost, TestRequests.Builder client) {
        BasicClassicHttpRequest upstream = new BasicClassicHttpRequest("GET", "/svc/x");
        new RequestHeaderCopier(preserveHost).copy(client.build(), upstream);
        return upstream;
    }

    private static BasicClassicHttpRequest copy(TestRequests.Builder client) {
        return copy(false, client);
    }

    private static BasicClassicHttpRequest copyAllowingUnderscores(TestRequests.Builder client) {
        BasicClassicHttpRequest upstream = new BasicClassicHttpRequest("GET", "/svc/x");
        new RequestHeaderCopier(false, true).copy(client.build(), upstream);
        return upstream;
    }

    @Test
    void dropsEveryHeaderNameWithAnUnderscoreByDefault() {
        BasicClassicHttpRequest up = copy(TestRequests.request()
                .header("X-Auth-User", "alice")
                .header("X_Auth_User", "admin")
                .header("my_token", "t")
                .header("Accept", "*/*"));
        assertEquals(List.of("X-Auth-User", "Accept"), names(up));
        assertEquals("alice", up.getFirstHeader("X-Auth-User").getValue());
    }

    @Test
    void allowUnderscoreHeadersForwardsThemButNeverATwinOfAProtectedName() {
        BasicClassicHttpRequest up = copyAllowingUnderscores(TestRequests.request()
                .header("X_Auth_User", "kept")
                .header("X_Forwarded_For", "6.6.6.6")
                .header("Keep_Alive", "timeout=1"));
        assertEquals(List.of("X_Auth_User"), names(up));
    }

    @Test
    void countsEveryHeaderLineTheClientSentForwardedOrNot() {
        HttpServletRequest client = TestRequests.request()
                .header("X-Multi", "one")
                .header("X-Multi", "two")
                .header("Connection", "close")
                .header("X_Dropped", "x")
                .header("Host", "proxy")
                .header("TE", "trailers")
                .build();
        assertEquals(6, new RequestHeaderCopier(false).copy(client, new BasicClassicHttpRequest("GET", "/")));
    }

    private static List<String> values(BasicClassicHttpRequest request, String name) {
        return Arrays.stream(request.getHeaders(name)).map(Header::getValue).toList();
    }

    private static List<String> names(BasicClassicHttpRequest request) {
        return Arrays.stream(request.getHeaders()).map(Header::getName).toList();
    }

    @Test
    void copiesEndToEndHeadersWithTheirValues() {
        BasicClassicHttpRequest up = copy(TestRequests.request()
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer abc")
                .header("Cookie", "a=1; b=2")
                .header("User-Agent", "curl/8")
                .header("Content-Type", "application/json")
                .header("Expect", "100-continue"));
        assertEquals(List.of("Accept", "Authorization", "Cookie", "User-Agent", "Content-Type", "Expect"),
                names(up));
        assertEquals("Bearer abc", up.getFirstHeader("Authorization").getValue());
        assertEquals("100-continue", up.getFirstHeader("Expect").getValue());
    }

    @Test
    void keepsEveryValueOfAMultiValuedHeaderInOrder() {
        BasicClassicHttpRequest up = copy(TestRequests.request()
                .header("X-Multi", "one")
                .header("Accept", "text/html")
                .header("X-Multi", "two")
                .header("x-multi", "three, four"));
        assertEquals(List.of("one", "two", "three, four"), values(up, "X-Multi"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
            "Proxy-Authorization", "Trailer", "Transfer-Encoding", "Upgrade"})
    void dropsHopByHopHeaders(String name) {
        BasicClassicHttpRequest up = copy(TestRequests.request().header(name, "x").header("Accept", "*/*"));
        assertFalse(up.containsHeader(name), name);
        assertEquals(List.of("Accept"), names(up));
    }

    @Test
    void dropsEveryHeaderNamedInAnyConnectionHeader() {
        BasicClassicHttpRequest up = copy(TestRequests.request()
                .header("Connection", "keep-alive, X-Secret")
                .header("Connection", "")
                .header("Connection", " ,x-other , ")
                .header("X-Secret", "s")
                .header("X-Other", "o")
                .header("Cookie", "c=1")
                .header("X-Kept", "k"));
        assertEquals(List.of("Cookie", "X-Kept"), names(up));
    }

    @Test
    void connectionCanNameAnEndToEndHeaderAwayButNeverAddOne() {
        BasicClassicHttpRequest up = copy(TestRequests.request()
                .header("Connection", "Authorization")
                .header("Authorization", "Bearer abc"));
        assertFalse(up.containsHeader("Authorization"));
        assertFalse(up.containsHeader("Connection"));
    }

    @Test
    void dropsContentLengthBecauseTheEntityDeclaresItsOwnFraming() {
        BasicClassicHttpRequest up = copy(TestRequests.request().contentLength(12).header("Accept", "*/*"));
        assertFalse(up.containsHeader("Content-Length"));
    }

    @Test
    void dropsTheClientHostByDefault() {
        BasicClassicHttpRequest up = copy(TestRequests.request().header("Host", "proxy.example:8080"));
        assertFalse(up.containsHeader("Host"));
    }

    @Test
    void keepsTheClientHostWithPreserveHost() {
        BasicClassicHttpRequest up = copy(true, TestRequests.request().header("Host", "proxy.example:8080"));
        assertEquals(List.of("proxy.example:8080"), values(up, "Host"));
    }

    @Test
    void preserveHostStillDropsContentLengthAndForwardingHeaders() {
        BasicClassicHttpRequest up = copy(true, TestRequests.request()
                .header("Host", "h")
                .contentLength(3)
                .header("X-Forwarded-For", "6.6.6.6"));
        assertEquals(List.of("Host"), names(up));
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port",
            "X-Forwarded-Prefix", "X-Forwarded-Server", "X-Real-IP", "Forwarded", "x-forwarded-for", "FORWARDED"})
    void dropsClientSentForwardingHeaders(String name) {
        BasicClassicHttpRequest up = copy(TestRequests.request().header(name, "for=6.6.6.6").header("Accept", "*/*"));
        assertEquals(List.of("Accept"), names(up), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"X_Forwarded_For", "x_forwarded_proto", "X-Forwarded_Host", "X_Real_IP",
            "Content_Length", "Transfer_Encoding", "Proxy_Authorization", "Keep_Alive"})
    void dropsUnderscoreSpellingsOfProtectedNames(String name) {
        BasicClassicHttpRequest up = copy(TestRequests.request().header(name, "6.6.6.6").header("Accept", "*/*"));
        assertEquals(List.of("Accept"), names(up), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"X_Custom_Header", "my_token", "X_Request_Id", "_"})
    void keepsOtherHeadersWithUnderscoresWhenAllowed(String name) {
        BasicClassicHttpRequest up = copyAllowingUnderscores(TestRequests.request().header(name, "v"));
        assertEquals(List.of("v"), values(up, name), name);
    }

    @Test
    void reducesTeToTrailersWhenTheClientAcceptsTrailers() {
        BasicClassicHttpRequest up = copy(TestRequests.request().header("TE", "gzip;q=0.5, Trailers"));
        assertEquals(List.of("trailers"), values(up, "TE"));
    }

    @Test
    void findsTrailersInALaterTeHeaderOrWithParameters() {
        assertEquals(List.of("trailers"), values(copy(TestRequests.request()
                .header("te", "deflate").header("TE", "trailers;q=1")), "TE"));
    }

    @Test
    void dropsTeWithoutTrailers() {
        BasicClassicHttpRequest up = copy(TestRequests.request().header("TE", "gzip, deflate;q=0.5"));
        assertFalse(up.containsHeader("TE"));
    }

    @Test
    void clientWithNoHeadersGivesAnUpstreamRequestWithNoHeaders() {
        BasicClassicHttpRequest up = copy(TestRequests.request());
        assertEquals(0, up.getHeaders().length);
    }

    @Test
    void aConnectionListingTheProxysOwnHeadersCannotRemoveWhatTheWriterAddsLater() {
        HttpServletRequest client = TestRequests.request()
                .remoteAddr("192.0.2.10")
                .header("Connection", "X-Forwarded-For, X-Forwarded-Proto, Forwarded")
                .header("X-Forwarded-For", "6.6.6.6")
                .build();
        BasicClassicHttpRequest up = new BasicClassicHttpRequest("GET", "/svc/x");
        new RequestHeaderCopier(false).copy(client, up);
        new ForwardedHeadersWriter(dev.streamproxy.ForwardedHeaders.BOTH, "/api", TrustedProxies.none())
                .write(client, up);
        assertEquals(List.of("192.0.2.10"), values(up, "X-Forwarded-For"));
        assertEquals(List.of("http"), values(up, "X-Forwarded-Proto"));
        assertEquals(1, up.getHeaders("Forwarded").length);
        assertTrue(up.getFirstHeader("Forwarded").getValue().startsWith("for=192.0.2.10;"));
    }
}
