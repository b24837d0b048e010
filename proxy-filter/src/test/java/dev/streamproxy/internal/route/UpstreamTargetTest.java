package dev.streamproxy.internal.route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UpstreamTargetTest {

    private static UpstreamTarget target(String uri) {
        return new UpstreamTarget(URI.create(uri));
    }

    @ParameterizedTest(name = "base ''{0}'' + rest ''{1}'' = ''{2}''")
    @CsvSource(value = {
            // base, rest, expected path
            "'', '', /",
            "'', /, /",
            "'', /x, /x",
            "'', /x/, /x/",
            "/, '', /",
            "/, /, /",
            "/, /x, /x",
            "/, /x/, /x/",
            "/svc, '', /svc",
            "/svc, /, /svc/",
            "/svc, /x, /svc/x",
            "/svc, /x/, /svc/x/",
            "/svc/, '', /svc/",
            "/svc/, /, /svc/",
            "/svc/, /x, /svc/x",
            "/svc/, /x/, /svc/x/"})
    void joinsBasePathAndRestWithExactlyOneSlash(String base, String rest, String expected) {
        assertEquals(expected, target("http://10.0.0.5:9000" + base).requestTarget(rest, null));
    }

    @Test
    void noQueryMeansNoQuestionMark() {
        assertEquals("/svc/users", target("http://h/svc").requestTarget("/users", null));
    }

    @Test
    void anEmptyQueryKeepsItsQuestionMark() {
        assertEquals("/svc/users?", target("http://h/svc").requestTarget("/users", ""));
    }

    @Test
    void rawQueryIsKeptByteForByte() {
        String query = "q=a%20b+c&x=%2F%3F%26&e=%E2%82%AC&flag&=&a=1&a=2&semi=;&plus=%2B";
        assertEquals("/svc/users?" + query, target("http://h/svc").requestTarget("/users", query));
    }

    @Test
    void rawPathIsKeptByteForByte() {
        String rest = "/a%2Fb/%E2%82%AC/c;v=1/%25/~user/+plus";
        assertEquals("/svc" + rest + "?id=1", target("http://h/svc/").requestTarget(rest, "id=1"));
    }

    @Test
    void encodedBasePathIsKeptRaw() {
        UpstreamTarget t = target("http://h/my%20svc/");
        assertEquals("/my%20svc/", t.basePath());
        assertEquals("/my%20svc/x", t.requestTarget("/x", null));
    }

    @ParameterizedTest
    @CsvSource({
            "http://h/svc, 80",
            "https://h/svc, 443",
            "HTTP://h/svc, 80",
            "HTTPS://h, 443",
            "http://h:8080/svc, 8080",
            "https://h:80/, 80",
            "http://h:443, 443"})
    void effectivePortFillsInTheSchemeDefault(String uri, int expected) {
        assertEquals(expected, target(uri).effectivePort());
    }

    @Test
    void hostCarriesLowerCaseSchemeHostAndExplicitPort() {
        UpstreamTarget t = target("HTTPS://Backend.Internal:8443/svc");
        assertEquals("https", t.host().getSchemeName());
        assertEquals(8443, t.host().getPort());
        assertEquals(URI.create("https://Backend.Internal:8443/"), t.rootUri());
        assertEquals("/svc", t.basePath());
    }

    @Test
    void hostWithoutPortLeavesTheDefaultToTheClient() {
        UpstreamTarget t = target("http://backend.internal/svc");
        assertEquals(-1, t.host().getPort());
        assertEquals(URI.create("http://backend.internal/"), t.rootUri());
    }

    @Test
    void targetWithoutPathHasAnEmptyBasePath() {
        assertEquals("", target("http://h:9000").basePath());
        assertEquals("/", target("http://h:9000").requestTarget("", null));
    }
}
