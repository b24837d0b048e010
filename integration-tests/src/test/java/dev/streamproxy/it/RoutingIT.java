package dev.streamproxy.it;

import dev.streamproxy.it.support.ContainerTest;
import dev.streamproxy.it.support.ProxiedApp;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which requests the filter takes, what it strips, and that everything else reaches the application untouched. */
class RoutingIT {

    @ContainerTest
    void theHostRunsTheServletVersionItClaims(ProxiedApp app) throws Exception {
        RawResponse r = app.send(RawRequest.get("/ctx/other"));

        assertEquals(app.kind().servletVersion(), r.header("X-Servlet-Version"), app.hostDescription());
    }

    @ContainerTest
    void aPathUnderThePrefixIsForwardedWithThePrefixReplacedByTheBasePath(ProxiedApp app) throws Exception {
        RawResponse r = app.send(RawRequest.get("/ctx/api/users/7?id=1"));

        assertEquals(200, r.status(), r::toString);
        assertEquals("echo\n", r.text());
        assertNull(r.header("X-Served-By"));
        RecordedRequest up = app.upstream().takeRequest();
        assertEquals("GET", up.method());
        assertEquals("/svc/users/7?id=1", up.target());
    }

    @ContainerTest
    void thePrefixItselfIsForwardedAsTheBasePath(ProxiedApp app) throws Exception {
        assertEquals(200, app.send(RawRequest.get("/ctx/api")).status());
        assertEquals("/svc", app.upstream().takeRequest().target());

        assertEquals(200, app.send(RawRequest.get("/ctx/api/")).status());
        assertEquals("/svc/", app.upstream().takeRequest().target());

        assertEquals(200, app.send(RawRequest.get("/ctx/api?x=1")).status());
        assertEquals("/svc?x=1", app.upstream().takeRequest().target());
    }

    @ContainerTest
    void aFilterMappedOnEverythingForwardsOnlyItsOwnPrefix(ProxiedApp app) throws Exception {
        RawResponse proxied = app.send(RawRequest.get("/ctx/wide/a/b?c"));

        assertEquals(200, proxied.status());
        assertEquals("/svc/a/b?c", app.upstream().takeRequest().target());
    }

    @ContainerTest
    void aPathThatOnlyStartsWithThePrefixTextReachesTheApplication(ProxiedApp app) throws Exception {
        // "wide" is mapped on /* and sees these requests: its own prefix match must let them pass
        for (String path : new String[] {"/ctx/widex", "/ctx/wide-open/x", "/ctx/apix", "/ctx/api-docs"}) {
            RawResponse r = app.send(RawRequest.get(path + "?q=1"));

            assertEquals(200, r.status(), path);
            assertEquals("app", r.header("X-Served-By"), path);
            assertEquals("app GET " + path, r.text(), path);
        }
        assertEquals(0, app.upstream().requestCount(), "nothing may reach the upstream");
    }

    @ContainerTest
    void aPathOutsideEveryPrefixReachesTheApplicationWithItsBody(ProxiedApp app) throws Exception {
        RawResponse r = app.send(RawRequest.of("POST", "/ctx/other/page").header("Content-Type", "text/plain")
                .body("not for the proxy"));

        assertEquals(200, r.status());
        assertEquals("app POST /ctx/other/page", r.text());
        assertEquals(0, app.upstream().requestCount(), "nothing may reach the upstream");
    }

    @ContainerTest
    void theApplicationFindsEachFilterThroughItsContextAttribute(ProxiedApp app) throws Exception {
        RawResponse r = app.send(RawRequest.get("/ctx/status/single"));

        assertEquals(200, r.status(), r::toString);
        assertEquals("app GET /ctx/status/single " + app.proxy("single").poolStatistics(), r.text());
        assertEquals(1, app.proxy("single").poolStatistics().max());
    }
}
