package dev.streamproxy.it;

import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.support.ContainerTest;
import dev.streamproxy.it.support.ProxiedApp;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The request-target reaches the upstream byte for byte: nothing decoded, nothing re-encoded. Containers reject some
 * targets before any filter runs, and they do not agree on which: each case states, per host, what users get with
 * the container's default settings (see CONTAINER-NOTES.md). Targets are written on a raw socket and read on a raw
 * socket, so no HTTP library normalizes them on the way.
 */
class EncodedTargetIT {

    private static final Set<HostKind> NONE = EnumSet.noneOf(HostKind.class);
    private static final Set<HostKind> ALL = EnumSet.allOf(HostKind.class);
    private static final Set<HostKind> JETTY = EnumSet.of(HostKind.JETTY_EE10, HostKind.JETTY_EE11);
    private static final Set<HostKind> TOMCAT = EnumSet.of(HostKind.TOMCAT_10, HostKind.TOMCAT_11);

    @ContainerTest
    void percentEncodedPathAndQueryAreForwardedByteForByte(ProxiedApp app) throws Exception {
        expect(app, "/ctx/api/a%20b/%E2%82%AC;x=1?q=a%20b&q=%26&x",
                "/svc/a%20b/%E2%82%AC;x=1?q=a%20b&q=%26&x", NONE);
        expect(app, "/ctx/api/%E2%82%AC/a%20b/c+d/~!$&'()*+,=:@/a%3Fb%23c%3Bd%2B",
                "/svc/%E2%82%AC/a%20b/c+d/~!$&'()*+,=:@/a%3Fb%23c%3Bd%2B", NONE);
        expect(app, "/ctx/api/x?q=a%20b&q=%26&x&e=%E2%82%AC&plus=a+b&&=d&%3F=%3D&s=/?:@&sl=a%2Fb&p=%25",
                "/svc/x?q=a%20b&q=%26&x&e=%E2%82%AC&plus=a+b&&=d&%3F=%3D&s=/?:@&sl=a%2Fb&p=%25", NONE);
        // malformed escapes in the query are the upstream's business, not the proxy's
        expect(app, "/ctx/api/x?bad=%ZZ&half=%E2%82&%", "/svc/x?bad=%ZZ&half=%E2%82&%", NONE);
        expect(app, "/ctx/api/x?", "/svc/x?", NONE);
    }

    @ContainerTest
    void pathParametersAreForwardedByteForByte(ProxiedApp app) throws Exception {
        expect(app, "/ctx/api/a;x=1/b;y=2,3?z", "/svc/a;x=1/b;y=2,3?z", NONE);
        expect(app, "/ctx/api/a/b;jsessionid=ABC", "/svc/a/b;jsessionid=ABC", NONE);
    }

    @ContainerTest
    void anEncodedSlashIsRejectedByEveryContainerBeforeTheFilterSeesIt(ProxiedApp app) throws Exception {
        // Jetty: "Ambiguous URI path separator"; Tomcat: encodedSolidusHandling=reject
        expect(app, "/ctx/api/a%2Fb/%E2%82%AC;x=1?q=a%20b&q=%26&x",
                "/svc/a%2Fb/%E2%82%AC;x=1?q=a%20b&q=%26&x", ALL);
        expect(app, "/ctx/api/a%2fb", "/svc/a%2fb", ALL);
    }

    @ContainerTest
    void anEncodedPercentSignIsForwardedByTomcatAndRejectedByJetty(ProxiedApp app) throws Exception {
        // Jetty 12: "Ambiguous URI path encoding" (UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING)
        expect(app, "/ctx/api/100%25/a%252Fb", "/svc/100%25/a%252Fb", JETTY);
    }

    @ContainerTest
    void emptyPathSegmentsAreForwardedByTomcatAndRejectedByJetty(ProxiedApp app) throws Exception {
        // Jetty 12: "Ambiguous URI empty segment"
        expect(app, "/ctx/api//a//b", "/svc//a//b", JETTY);
    }

    @ContainerTest
    void queryCharactersOutsideRfc3986AreForwardedByJettyAndRejectedByTomcat(ProxiedApp app) throws Exception {
        // Tomcat: relaxedQueryChars is empty by default
        expect(app, "/ctx/api/x?q=a|b", "/svc/x?q=a|b", TOMCAT);
        expect(app, "/ctx/api/x?json={\"a\":[1]}", "/svc/x?json={\"a\":[1]}", TOMCAT);
    }

    @ContainerTest
    void anEncodedBackslashIsRejectedByEveryContainer(ProxiedApp app) throws Exception {
        expect(app, "/ctx/api/a%5Cb", "/svc/a%5Cb", ALL);
    }

    @ContainerTest
    void rawNonAsciiBytesInThePathAreRejectedByEveryContainer(ProxiedApp app) throws Exception {
        expect(app, "/ctx/api/caf\u00c3\u00a9", "/svc/caf\u00c3\u00a9", ALL); // UTF-8 of "café", unencoded
    }

    @ContainerTest
    void rawNonAsciiBytesInTheQueryAreForwardedExactlyOrRefused(ProxiedApp app) throws Exception {
        // Invalid in HTTP, yet Jetty accepts them. Whatever the container lets through must reach the upstream as
        // the client sent it (or be refused with 400): never as other bytes. Tomcat refuses them itself.
        expectExactOrRefused(app, "/ctx/api/x?q=caf\u00c3\u00a9", "/svc/x?q=caf\u00c3\u00a9"); // UTF-8 é
        expectExactOrRefused(app, "/ctx/api/x?q=caf\u00e9", "/svc/x?q=caf\u00e9"); // ISO-8859-1 é
    }

    /**
     * @param rejectedBy the hosts whose default configuration answers 400 without calling the filter; everywhere
     *                   else the upstream must receive exactly {@code upstreamTarget}
     */
    private static void expect(ProxiedApp app, String clientTarget, String upstreamTarget, Set<HostKind> rejectedBy)
            throws Exception {
        app.upstream().reset();
        RawResponse r = app.send(RawRequest.get(clientTarget));
        if (rejectedBy.contains(app.kind())) {
            assertEquals(400, r.status(), () -> clientTarget + " is expected to be rejected by " + app + ": " + r);
            assertEquals(0, app.upstream().requestCount(), clientTarget + ": a rejected request reached the upstream");
        } else {
            assertEquals(200, r.status(), () -> clientTarget + " is expected to be proxied by " + app + ": " + r);
            assertEquals(hex(upstreamTarget), hex(app.upstream().takeRequest().target()),
                    clientTarget + ": the upstream request-target differs (hex of the bytes)");
        }
    }

    private static void expectExactOrRefused(ProxiedApp app, String clientTarget, String upstreamTarget)
            throws Exception {
        app.upstream().reset();
        RawResponse r = app.send(RawRequest.get(clientTarget));
        if (r.status() == 400) {
            assertEquals(0, app.upstream().requestCount(), clientTarget + ": a refused request reached the upstream");
        } else {
            assertEquals(200, r.status(), r::toString);
            String got = app.upstream().takeArrival(Duration.ofSeconds(5)).target();
            assertEquals(hex(upstreamTarget), hex(got), () -> clientTarget + " reached the upstream as " + got
                    + ": the bytes differ (hex)");
        }
    }

    private static String hex(String wire) {
        return wire + " [" + HexFormat.of().formatHex(wire.getBytes(ISO_8859_1)) + "]";
    }
}
