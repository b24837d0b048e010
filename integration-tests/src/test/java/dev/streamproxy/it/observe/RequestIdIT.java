package dev.streamproxy.it.observe;

import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;

import java.io.EOFException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request ids ({@code requestIdHeader}, default {@code X-Request-Id}): a client's well-formed id is kept, sent
 * upstream, returned and logged; a missing one is generated (32 hex digits) and the same value reaches the upstream
 * and the client; a hostile one (CR, LF, control or non-ASCII characters, too long) is replaced and never logged,
 * as far as the container lets it reach the filter at all; {@code none} sends no id; W3C trace context passes
 * through unchanged.
 */
class RequestIdIT {

    private static final Duration ARRIVAL = Duration.ofSeconds(10);

    @ObserveTest
    void aClientsWellFormedIdIsKeptSentUpstreamReturnedAndLogged(ObserveApp app) throws Exception {
        // every visible ASCII character but the separators of an access line (space and '=' cannot occur anyway)
        String id = "Req.42_" + nonce() + "-!#$%&'*+^`|~(),/:;<>?@[]{}\"\\";

        RawResponse r = app.send(RawRequest.get(app.path("/ids/items")).header("X-Request-Id", id));

        assertEquals(200, r.status(), r::toString);
        assertEquals(List.of(id), r.headers("X-Request-Id"), "the client gets its own id back, once");
        RecordedRequest up = app.upstream().takeArrival(ARRIVAL);
        assertEquals(List.of(id), up.headers("X-Request-Id"), "the upstream gets the client's id, once");
        assertEquals(id, AccessLines.await(id).get("id"));
    }

    @ObserveTest
    void anIdOfExactly128VisibleCharactersIsKept(ObserveApp app) throws Exception {
        String id = (nonce() + "x".repeat(128)).substring(0, 128);

        RawResponse r = app.send(RawRequest.get(app.path("/ids/long")).header("X-Request-Id", id));

        assertEquals(200, r.status(), r::toString);
        assertEquals(List.of(id), r.headers("X-Request-Id"));
        assertEquals(List.of(id), app.upstream().takeArrival(ARRIVAL).headers("X-Request-Id"));
    }

    @ObserveTest
    void theFiltersLogLinesOfAFailingExchangeCarryTheClientsId(ObserveApp app) throws Exception {
        String id = "failing-" + nonce();

        RawResponse r = app.send(RawRequest.get(app.path("/deadlog/items?token=secret")).header("X-Request-Id", id));

        assertEquals(502, r.status(), r::toString);
        assertEquals(List.of(id), r.headers("X-Request-Id"), "an error answer carries the id too");
        String warning = AccessLines.awaitWarning(id);
        assertTrue(warning.startsWith("[deadlog] " + id + " GET " + app.path("/deadlog/items") + " -> 502"),
                warning);
        assertEquals(id, AccessLines.await(id).get("id"));
    }

    @ObserveTest
    void aMissingIdIsGeneratedAndTheSameValueReachesTheUpstreamAndTheClient(ObserveApp app) throws Exception {
        RawResponse first = app.send(RawRequest.get(app.path("/ids/a")));
        RecordedRequest upFirst = app.upstream().takeArrival(ARRIVAL);
        RawResponse second = app.send(RawRequest.get(app.path("/ids/b")));
        RecordedRequest upSecond = app.upstream().takeArrival(ARRIVAL);

        assertEquals(200, first.status(), first::toString);
        assertEquals(200, second.status(), second::toString);
        String id = first.header("X-Request-Id");
        assertTrue(id != null && AccessLines.GENERATED_ID.matcher(id).matches(), "not 32 hex digits: " + id);
        assertEquals(List.of(id), first.headers("X-Request-Id"));
        assertEquals(List.of(id), upFirst.headers("X-Request-Id"), "the upstream got another id than the client");
        assertEquals(List.of(second.header("X-Request-Id")), upSecond.headers("X-Request-Id"));
        assertNotEquals(id, second.header("X-Request-Id"), "two exchanges got the same id");
        assertEquals(app.path("/ids/a"), AccessLines.await(id).get("path"));
    }

    /**
     * Hostile values, sent as raw bytes. Each either never reaches the filter (the container answers it itself) or is
     * replaced: the client gets a generated id, the upstream the same one, and no log line (the filter's, the access
     * log, Jetty's) contains the hostile value. What each container does, with its default settings:
     *
     * <table>
     *   <tr><th>X-Request-Id value</th><th>Jetty 12 (ee10, ee11)</th><th>Tomcat 10.1, 11</th></tr>
     *   <tr><td>bare CR inside</td><td>400</td><td>400</td></tr>
     *   <tr><td>bare LF inside</td><td colspan="2">the line ends there: the id before it is kept, the rest is a header
     *       of its own; no LF reaches the filter</td></tr>
     *   <tr><td>obs-fold (CRLF SP)</td><td>400</td><td>unfolded to a space: replaced by the filter</td></tr>
     *   <tr><td>HTAB inside</td><td>replaced by the filter</td><td>replaced by the filter</td></tr>
     *   <tr><td>a control character (0x01), DEL</td><td>400</td><td>400</td></tr>
     *   <tr><td>obs-text bytes (UTF-8 é)</td><td>replaced by the filter</td><td>replaced by the filter</td></tr>
     *   <tr><td>129 visible characters</td><td>replaced by the filter</td><td>replaced by the filter</td></tr>
     *   <tr><td>10 KiB</td><td>431 (request header over 8 KiB)</td><td>400 (maxHttpHeaderSize 8 KiB)</td></tr>
     * </table>
     * The values the containers let through (HTAB, obs-text, 129 characters; obs-fold in Tomcat) are replaced on every
     * host, so the filter's own check runs on every host. If a container changes its answer, the test says which.
     */
    @ObserveTest
    void hostileIdsAreReplacedAndNeverLoggedOrNeverReachTheFilter(ObserveApp app, HostKind kind) throws Exception {
        String n = nonce();
        List<String> findings = new ArrayList<>();
        List<Runnable> checks = new ArrayList<>();
        for (Hostile h : hostile(n)) {
            String path = app.path("/ids/hostile-" + h.name());
            Seen seen = sendRaw(app, RawRequest.get(path).header("X-Request-Id", h.value()));
            Expect expected = h.expected(kind);
            findings.add(h.name() + " -> " + seen);
            checks.add(() -> check(app, h, seen, expected));
        }
        System.out.println("[" + kind + "] hostile request ids: " + String.join("; ", findings));
        assertAll(checks.stream().map(c -> c::run));
    }

    private static void check(ObserveApp app, Hostile h, Seen seen, Expect expected) {
        String what = h.name() + " (" + seen + ")";
        if (expected == Expect.REPLACED) {
            assertEquals(200, seen.status(), what + ": expected the filter to proxy it with a new id");
            String id = seen.response().header("X-Request-Id");
            assertTrue(id != null && AccessLines.GENERATED_ID.matcher(id).matches(), what + ": not generated: " + id);
            assertEquals(List.of(id), seen.response().headers("X-Request-Id"), what);
            assertEquals(List.of(id), seen.upstream().headers("X-Request-Id"),
                    what + ": the upstream did not get the generated id");
            // the exchange's own access line is there (so the filter did log), with the new id
            assertEquals(id, AccessLines.await(id).get("id"), what);
        } else if (expected == Expect.SPLIT) {
            String firstLine = h.value().substring(0, h.value().indexOf('\n'));
            assertEquals(200, seen.status(), what);
            assertEquals(List.of(firstLine), seen.response().headers("X-Request-Id"), what);
            assertEquals(List.of(firstLine), seen.upstream().headers("X-Request-Id"), what);
            assertEquals(List.of("1"), seen.upstream().headers("Injected"), what + ": the rest is a header of its own");
            assertEquals(firstLine, AccessLines.await(firstLine).get("id"), what);
        } else {
            assertEquals(expected.status, seen.status(), what + ": the container's own answer changed");
            assertNull(seen.upstream(), what + ": reached the upstream");
            assertTrue(seen.response() == null || seen.response().header("X-Request-Id") == null,
                    what + ": the filter answered it");
        }
        assertEquals(List.of(), AccessLines.mentioning(h.marker()), what + ": a log line carries the hostile value");
    }

    @ObserveTest
    void requestIdHeaderNoneSendsNoIdHeaderAndLogsACounter(ObserveApp app) throws Exception {
        String path = app.path("/noid/" + nonce());

        RawResponse r = app.send(RawRequest.get(path));

        assertEquals(200, r.status(), r::toString);
        assertEquals(List.of(), r.headers("X-Request-Id"), "an id was returned with requestIdHeader=none");
        RecordedRequest up = app.upstream().takeArrival(ARRIVAL);
        assertEquals(List.of(), up.headers("X-Request-Id"), "an id was sent upstream with requestIdHeader=none");
        var line = AccessLines.awaitByPath(path);
        assertTrue(line.get("id").matches("#\\d+"), "with ids off the log carries a counter: " + line);

        // the client's own header is then an ordinary header, forwarded as it came and not echoed
        String own = "own-" + nonce();
        RawResponse withOwn = app.send(RawRequest.get(app.path("/noid/own")).header("X-Request-Id", own));
        assertEquals(List.of(own), app.upstream().takeArrival(ARRIVAL).headers("X-Request-Id"));
        assertEquals(List.of(), withOwn.headers("X-Request-Id"));
    }

    @ObserveTest
    void w3cTraceContextPassesThroughUnchangedBothWays(ObserveApp app) throws Exception {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String tracestate = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";
        String answerParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01";
        String answerState = "rojo=b7ad6b7169203331,congo=t61rcWkgMzE";
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.respond(200, "OK", new byte[0], "traceparent: " + answerParent, "tracestate: " + answerState);
        });

        RawResponse r = app.send(RawRequest.get(app.path("/ids/traced"))
                .header("traceparent", traceparent).header("tracestate", tracestate));

        assertEquals(200, r.status(), r::toString);
        RecordedRequest up = app.upstream().takeArrival(ARRIVAL);
        assertEquals(List.of(traceparent), up.headers("traceparent"), up::toString);
        assertEquals(List.of(tracestate), up.headers("tracestate"), up::toString);
        assertEquals(List.of(answerParent), r.headers("traceparent"), r::toString);
        assertEquals(List.of(answerState), r.headers("tracestate"), r::toString);

        // none is invented when the client sent none
        app.upstream().reset();
        app.send(RawRequest.get(app.path("/ids/untraced")));
        RecordedRequest plain = app.upstream().takeArrival(ARRIVAL);
        assertEquals(List.of(), plain.headers("traceparent"), plain::toString);
        assertEquals(List.of(), plain.headers("tracestate"), plain::toString);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** What happens to a hostile id on a host. */
    enum Expect {
        /** The filter gets it and replaces it. */
        REPLACED(200),
        /**
         * The container ends the header line at the bare LF (both accept LF as a line end): the filter sees the part
         * before it, a well-formed id it keeps, and the rest as a header line of its own. No LF ever reaches it.
         */
        SPLIT(200),
        /** The container answers 400 itself; the filter never runs. */
        CONTAINER_400(400),
        /** The container answers 431 itself. */
        CONTAINER_431(431);

        final int status;

        Expect(int status) {
            this.status = status;
        }
    }

    /**
     * @param name   short name
     * @param value  the header value, one char per byte (ISO-8859-1)
     * @param marker a part of the value no legitimate line contains, searched in the logs
     * @param jetty  what Jetty 12 (ee10, ee11) does with it
     * @param tomcat what Tomcat 10.1 and 11 do with it
     */
    record Hostile(String name, String value, String marker, Expect jetty, Expect tomcat) {
        Expect expected(HostKind kind) {
            return kind.isJetty() ? jetty : tomcat;
        }
    }

    static List<Hostile> hostile(String n) {
        String tenKiB = ("long-" + n + "-").repeat(10 * 1024 / 8).substring(0, 10 * 1024);
        return List.of(
                new Hostile("cr", "cr-" + n + "\rInjected: 1", "cr-" + n,
                        Expect.CONTAINER_400, Expect.CONTAINER_400),
                new Hostile("lf", "lf-" + n + "\nInjected: 1", "lf-" + n + "\n", Expect.SPLIT, Expect.SPLIT),
                new Hostile("obs-fold", "fold-" + n + "\r\n folded", "fold-" + n,
                        Expect.CONTAINER_400, Expect.REPLACED),
                new Hostile("tab", "tab-" + n + "\tx", "tab-" + n, Expect.REPLACED, Expect.REPLACED),
                new Hostile("ctl", "ctl-" + n + "\u0001x", "ctl-" + n, Expect.CONTAINER_400, Expect.CONTAINER_400),
                new Hostile("del", "del-" + n + "\u007fx", "del-" + n, Expect.CONTAINER_400, Expect.CONTAINER_400),
                new Hostile("non-ascii", "na-" + n + "-caf\u00c3\u00a9", "na-" + n, Expect.REPLACED, Expect.REPLACED),
                new Hostile("129-chars", ("c129-" + n + "y".repeat(129)).substring(0, 129), "c129-" + n,
                        Expect.REPLACED, Expect.REPLACED),
                new Hostile("10KiB", tenKiB, "long-" + n, Expect.CONTAINER_431, Expect.CONTAINER_400));
    }

    /** What the client and the upstream saw of one raw request. */
    record Seen(int status, RawResponse response, RecordedRequest upstream, String failure) {
        @Override
        public String toString() {
            return failure != null ? failure : status + (upstream == null ? " (not proxied)" : " (proxied, id "
                    + response.header("X-Request-Id") + ")");
        }
    }

    private static Seen sendRaw(ObserveApp app, RawRequest request) throws Exception {
        app.upstream().reset();
        RawResponse r;
        try (ClientConnection c = app.connect()) {
            c.send(request);
            r = c.readResponse(request.method());
        } catch (EOFException | SocketException e) {
            return new Seen(-1, null, null, "connection closed without an answer: " + e);
        }
        // the upstream records a request's head before it answers: a proxied answer means it is there already
        RecordedRequest up = app.upstream().requestCount() > 0 ? app.upstream().takeArrival(ARRIVAL) : null;
        return new Seen(r.status(), r, up, null);
    }

    static String nonce() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    }
}
