package dev.streamproxy.internal.header;

import dev.streamproxy.internal.TestRequests;
import dev.streamproxy.internal.route.UpstreamTarget;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RedirectRewriterTest {

    /** The client reached the proxy at https://proxy.example/ctx, the filter's prefix is /api. */
    private static final HttpServletRequest CLIENT = TestRequests.request()
            .scheme("https").server("proxy.example", 443).contextPath("/ctx")
            .header("Host", "proxy.example")
            .build();

    private static String rewrite(String target, String location) {
        return new RedirectRewriter(new UpstreamTarget(URI.create(target)), "/api").rewrite(location, CLIENT);
    }

    @ParameterizedTest
    @CsvSource({
            "http://10.0.0.5:9000/svc, http://10.0.0.5:9000/svc/login, https://proxy.example/ctx/api/login",
            "http://10.0.0.5:9000/svc, http://10.0.0.5:9000/svc/a/b?x=1&y=%2F#frag, https://proxy.example/ctx/api/a/b?x=1&y=%2F#frag",
            "http://10.0.0.5:9000/svc, http://10.0.0.5:9000/svc, https://proxy.example/ctx/api",
            "http://10.0.0.5:9000/svc, http://10.0.0.5:9000/svc?x=1, https://proxy.example/ctx/api?x=1",
            "http://10.0.0.5:9000/svc, http://10.0.0.5:9000/svc#top, https://proxy.example/ctx/api#top",
            "http://10.0.0.5:9000/svc/, http://10.0.0.5:9000/svc/x, https://proxy.example/ctx/api/x",
            "http://Backend.Internal:9000/svc, http://backend.INTERNAL:9000/svc/x, https://proxy.example/ctx/api/x",
            "http://backend.internal:9000/svc, HTTP://backend.internal:9000/svc/x, https://proxy.example/ctx/api/x",
            "http://backend.internal/svc, http://backend.internal/svc/x, https://proxy.example/ctx/api/x",
            "http://backend.internal/svc, http://backend.internal:80/svc/x, https://proxy.example/ctx/api/x",
            "http://backend.internal:80/svc, http://backend.internal/svc/x, https://proxy.example/ctx/api/x",
            "https://backend.internal/svc, https://backend.internal:443/svc/x, https://proxy.example/ctx/api/x",
            "https://backend.internal:443/svc, https://backend.internal/svc/x, https://proxy.example/ctx/api/x",
            "http://backend.internal, http://backend.internal/x, https://proxy.example/ctx/api/x",
            "http://backend.internal/, http://backend.internal/x, https://proxy.example/ctx/api/x",
            "http://backend.internal, http://backend.internal, https://proxy.example/ctx/api",
            "http://[::1]:9000/svc, http://[::1]:9000/svc/x, https://proxy.example/ctx/api/x"})
    void absoluteLocationAtTheTargetBecomesTheProxyUrlWithTheClientsSchemeAndHost(String target, String location,
                                                                                   String expected) {
        assertEquals(expected, rewrite(target, location));
    }

    @ParameterizedTest
    @CsvSource({
            "/svc/login, /ctx/api/login",
            "/svc, /ctx/api",
            "/svc/, /ctx/api/",
            "/svc?next=%2F, /ctx/api?next=%2F",
            "/svc#x, /ctx/api#x",
            "/svc/a/b?x=1#y, /ctx/api/a/b?x=1#y"})
    void absolutePathUnderTheBasePathIsPrefixed(String location, String expected) {
        assertEquals(expected, rewrite("http://10.0.0.5:9000/svc", location));
    }

    @Test
    void schemeRelativeLocationIntoTheTargetIsRewrittenSoTheUpstreamHostDoesNotReachTheClient() {
        assertEquals("//proxy.example/ctx/api/x?y=1", rewrite("http://10.0.0.5:9000/svc", "//10.0.0.5:9000/svc/x?y=1"));
    }

    @Test
    void absolutePathWithAnEmptyBasePathIsPrefixed() {
        assertEquals("/ctx/api/login", rewrite("http://10.0.0.5:9000", "/login"));
        assertEquals("/ctx/api/", rewrite("http://10.0.0.5:9000/", "/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/svcx", "/svcx/login", "/other/x", "/", "/sv",
            "http://10.0.0.5:9000/svcx/a", "http://10.0.0.5:9000/other", "http://10.0.0.5:9000",
            "http://10.0.0.6:9000/svc/x", "http://10.0.0.5:9001/svc/x", "http://10.0.0.5/svc/x",
            "https://10.0.0.5:9000/svc/x", "http://evil.example/svc/x",
            "http://user@10.0.0.5:9000/svc/x", "http://10.0.0.5:x/svc/x",
            "login", "../x", "?page=2", "#top", "//10.0.0.6:9000/svc/x", "//10.0.0.5:9000/svcx", "",
            "mailto:ops@example.com"})
    void leavesLocationsThatDoNotPointIntoTheTargetUnchanged(String location) {
        assertEquals(location, rewrite("http://10.0.0.5:9000/svc", location));
    }

    @Test
    void clientHostFallsBackToServerNameAndPort() {
        HttpServletRequest client = TestRequests.request()
                .scheme("http").server("proxy.example", 8080).contextPath("").build();
        RedirectRewriter r = new RedirectRewriter(new UpstreamTarget(URI.create("http://h:9/svc")), "");
        assertEquals("http://proxy.example:8080/x", r.rewrite("http://h:9/svc/x", client));
        assertEquals("/x", r.rewrite("/svc/x", client));
    }
}
