package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same hostile request gets the same status in every container, whichever of the container and the filter
 * refuses it first, and never reaches the upstream:
 *
 * <ul>
 * <li>a request {@code Transfer-Encoding} with a coding before {@code chunked}: 501 (the filter refuses every
 *     coding but exactly {@code chunked}, since no other can be framed the same way on both sides);</li>
 * <li>more header lines than the route's {@code maxRequestHeaders}: 431 from the filter. The route here allows 50
 *     and gets 60, fewer than any container's own limit (Tomcat's {@code maxHeaderCount} is 100), so the filter's
 *     limit is what every host enforces; with the default limit of 100 and 150 lines a container may refuse first,
 *     which is recorded, not assumed.</li>
 * </ul>
 * Who answered is told apart by the body: the filter's refusals have their own short texts.
 */
class SameRefusalsIT {

    private static final String FILTER_501 = "501 Not Implemented: only Transfer-Encoding: chunked is supported\n";
    private static final String FILTER_431 = "431 Request Header Fields Too Large\n";

    @FaultTest
    void aRequestWithACodingBeforeChunkedGets501(FaultApp app) throws Exception {
        RawResponse r = refused(app, RawRequest.of("POST", "/ctx/api/upload")
                .header("Content-Type", "application/octet-stream")
                .header("Transfer-Encoding", "gzip, chunked")
                .body("5\r\nhello\r\n0\r\n\r\n"));

        Findings.record(app, "same refusals", "POST with Transfer-Encoding: gzip, chunked", answeredBy(r, FILTER_501));
        assertEquals(501, r.status(), r::toString);
    }

    @FaultTest
    void moreHeaderLinesThanTheRoutesLimitGet431FromTheFilter(FaultApp app) throws Exception {
        RawResponse under = app.send(withHeaderLines(RawRequest.get("/ctx/headers50/few"), FaultApp.HEADER_LIMIT - 10));
        assertEquals(200, under.status(), () -> "a request under the limit was refused: " + under);
        app.upstream().reset();

        int lines = FaultApp.HEADER_LIMIT + 10;
        RawResponse r = refused(app, withHeaderLines(RawRequest.get("/ctx/headers50/many"), lines));

        Findings.record(app, "same refusals", lines + " header lines, maxRequestHeaders " + FaultApp.HEADER_LIMIT,
                answeredBy(r, FILTER_431));
        assertAll(r.toString(),
                () -> assertEquals(431, r.status()),
                () -> assertEquals(FILTER_431, r.text(), "not the filter's answer"));
    }

    @FaultTest
    void hundredFiftyHeaderLinesOnTheDefaultLimitAreRefusedByTheContainerOrTheFilter(FaultApp app)
            throws Exception {
        RawResponse r = refused(app, withHeaderLines(RawRequest.get("/ctx/api/many"), 150));

        String who = answeredBy(r, FILTER_431);
        Findings.record(app, "same refusals", "150 header lines, default maxRequestHeaders 100", who);
        assertTrue(r.status() >= 400 && r.status() < 500, who);
        if (r.text().equals(FILTER_431)) {
            assertEquals(431, r.status(), who);
        }
    }

    /** Sends {@code request} and checks that the upstream was not even contacted. */
    private static RawResponse refused(FaultApp app, RawRequest request) throws Exception {
        int connections = app.upstream().connectionsAccepted();
        RawResponse r = app.send(request);
        assertAll(r.toString(),
                () -> assertEquals(0, app.upstream().requestCount(), "the refused request reached the upstream"),
                () -> assertEquals(connections, app.upstream().connectionsAccepted(), "the upstream was contacted"));
        return r;
    }

    /** Adds {@code n} header lines ({@code X-Line-001: value-001}, ...) besides the Host line. */
    private static RawRequest withHeaderLines(RawRequest request, int n) {
        for (int i = 1; i <= n; i++) {
            request.header(String.format("X-Line-%03d", i), String.format("value-%03d", i));
        }
        return request;
    }

    private static String answeredBy(RawResponse r, String filterText) {
        return r.status() + (r.text().equals(filterText) ? " from the filter"
                : " from the container (" + r.head().startLine() + ", " + r.body().length + " body bytes)");
    }
}
