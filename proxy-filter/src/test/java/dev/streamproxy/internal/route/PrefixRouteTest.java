package dev.streamproxy.internal.route;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

class PrefixRouteTest {

    private static HttpServletRequest request(String contextPath, String requestUri, String servletPath,
                                              String pathInfo) {
        HttpServletRequest r = mock(HttpServletRequest.class);
        when(r.getContextPath()).thenReturn(contextPath);
        when(r.getRequestURI()).thenReturn(requestUri);
        when(r.getServletPath()).thenReturn(servletPath);
        when(r.getPathInfo()).thenReturn(pathInfo);
        return r;
    }

    /** A request whose decoded path is what its raw URI says, as for an unencoded URI. */
    private static HttpServletRequest request(String contextPath, String requestUri) {
        String inContext = requestUri.substring(contextPath.length());
        return request(contextPath, requestUri, inContext, null);
    }

    @ParameterizedTest(name = "{1} in context ''{0}'' -> ''{2}''")
    @CsvSource(value = {
            "'', /api/users, /users",
            "/ctx, /ctx/api/users, /users",
            "/ctx, /ctx/api/users/, /users/",
            "/ctx, /ctx/api/, /",
            "/ctx, /ctx/api, ''",
            "/a/b, /a/b/api/x/y, /x/y",
            "/ctx, /ctx/api/a%2Fb/%E2%82%AC, /a%2Fb/%E2%82%AC",
            "/ctx, /ctx/api/x;v=1/y;jsessionid=2, /x;v=1/y;jsessionid=2",
            "/ctx, /ctx/api//x, //x"})
    void stripsContextPathAndPrefixFromTheRawUri(String context, String uri, String expected) {
        assertEquals(expected, new PrefixRoute("/api").match(request(context, uri)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ctx/apix", "/ctx/apix/users", "/ctx/ap", "/ctx/", "/ctx/other/api/x", "/ctx/API/x",
            "/ctx/api.json"})
    void leavesPathsOutsideThePrefixToTheChain(String uri) {
        assertNull(new PrefixRoute("/api").match(request("/ctx", uri)));
    }

    @Test
    void matchesAMultiSegmentPrefixOnlyOnASegmentBoundary() {
        PrefixRoute route = new PrefixRoute("/api/v1");
        assertEquals("/users", route.match(request("", "/api/v1/users")));
        assertEquals("", route.match(request("", "/api/v1")));
        assertNull(route.match(request("", "/api/v10/users")));
        assertNull(route.match(request("", "/api/v2/users")));
    }

    @Test
    void emptyPrefixProxiesEveryPathInTheContext() {
        PrefixRoute route = new PrefixRoute("");
        assertEquals("/anything/at/all", route.match(request("/ctx", "/ctx/anything/at/all")));
        assertEquals("/", route.match(request("/ctx", "/ctx/")));
        assertEquals("", route.match(request("/ctx", "/ctx")));
        assertEquals("/x", route.match(request("", "/x")));
    }

    @Test
    void pathParameterOnThePrefixSegmentIsAmbiguous() {
        PrefixRoute route = new PrefixRoute("/api");
        HttpServletRequest r = request("/ctx", "/ctx/api;jsessionid=1/users", "/api/users", null);
        assertSame(PrefixRoute.AMBIGUOUS, route.match(r));
        assertSame(PrefixRoute.AMBIGUOUS, route.match(request("/ctx", "/ctx/api;x", "/api", null)));
    }

    @ParameterizedTest
    @CsvSource({
            "/ctx/%61pi/users, /api, /users",
            "/ctx/%61%70%69/users, /api/users, ",
            "/ctx/ap%69, /api, ",
            "/ctx/./api/users, /api/users, ",
            "/ctx/x/../api/users, /api, /users"})
    void encodedOrDottedPrefixIsAmbiguousWhenTheDecodedPathFallsUnderIt(String uri, String servletPath,
                                                                         String pathInfo) {
        HttpServletRequest r = request("/ctx", uri, servletPath, pathInfo);
        assertSame(PrefixRoute.AMBIGUOUS, new PrefixRoute("/api").match(r));
    }

    @Test
    void encodedPathOutsideThePrefixAfterDecodingIsNotForTheProxy() {
        HttpServletRequest r = request("/ctx", "/ctx/%61pix/users", "/apix/users", null);
        assertNull(new PrefixRoute("/api").match(r));
    }

    @Test
    void rawUriOutsideAnEncodedContextPathFallsBackToTheDecodedPath() {
        // the container matched /ctx against a raw /c%74x; the raw URI does not start with the context path
        assertSame(PrefixRoute.AMBIGUOUS,
                new PrefixRoute("/api").match(request("/ctx", "/c%74x/api/users", "/api/users", null)));
        assertNull(new PrefixRoute("/api").match(request("/ctx", "/c%74x/other", "/other", null)));
    }

    @Test
    void emptyPrefixNeverCallsAPathAmbiguousThroughTheDecodedPath() {
        assertNull(new PrefixRoute("").match(request("/ctx", "/c%74x/users", "/users", null)));
    }

    @Test
    void pathParameterOnTheContextPathNeverYieldsARestThatLacksALeadingSlash() {
        // e.g. Jetty reports the configured context path while the raw URI carries ;jsessionid on its segment
        HttpServletRequest r = request("/ctx", "/ctx;jsessionid=1/users", "/users", null);
        for (String prefix : new String[] {"", "/api"}) {
            String rest = new PrefixRoute(prefix).match(r);
            assertTrue(rest == null || rest == PrefixRoute.AMBIGUOUS || rest.isEmpty() || rest.startsWith("/"),
                    () -> "prefix '" + prefix + "' gave rest '" + rest + "'");
        }
        assertSame(PrefixRoute.AMBIGUOUS, new PrefixRoute("").match(r));
    }

    @Test
    void missingRequestUriIsNotForTheProxy() {
        assertNull(new PrefixRoute("/api").match(request("", null, "/api", null)));
    }

    @Test
    void nullServletPathAndPathInfoAreTreatedAsEmpty() {
        assertNull(new PrefixRoute("/api").match(request("/ctx", "/c%74x/x", null, null)));
    }
}
