package dev.streamproxy.it.property;

import dev.streamproxy.it.fault.FaultApp;
import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * Property: for generated paths (dot segments in every spelling, encoded bytes, {@code ;params}), queries (any byte
 * Jetty accepts, malformed escapes included) and header sets (end-to-end, hop-by-hop, {@code Connection} lists,
 * spoofed forwarding headers, underscore names, repeated fields), what the upstream receives is exactly what the
 * documented policy says, computed here by an oracle written from the README, not from the filter's code:
 *
 * <ul>
 *   <li>a path with a {@code .}/{@code ..} segment after percent-decoding (ignoring {@code ;params}), or an encoded
 *   {@code /}, {@code \}, {@code %}, NUL or control character, gets 400 and nothing reaches the upstream (from the
 *   filter, or from Jetty, which refuses several of these itself);</li>
 *   <li>otherwise the upstream request-target is {@code /svc} + the raw path, then the raw query byte for byte;</li>
 *   <li>every end-to-end header arrives with all its values in order; hop-by-hop headers, headers named in any
 *   {@code Connection} field, client forwarding headers and every name containing {@code _} (the default
 *   {@code allowUnderscoreHeaders=false}) do not; the proxy's own
 *   {@code X-Forwarded-*} describe the connection; {@code TE: trailers} survives only as {@code trailers}; exactly
 *   one {@code X-Request-Id} arrives, the client's first when it is 1 to 128 visible ASCII characters, else a
 *   generated 32-hex-digit one; nothing else is added;</li>
 *   <li>a request body arrives byte for byte.</li>
 * </ul>
 * Requests go to the {@code wide} route, mapped {@code /*}, so the container's own normalisation cannot route a
 * hostile path around the filter. One host (Jetty ee10) and a bounded number of examples keep the run short; a failure prints the shrunk example and
 * the seed (QuickTheories; re-run with {@code -DQT_SEED=<seed>}).
 */
class RequestPolicyPropertyIT {

    private static final int EXAMPLES = Integer.getInteger("streamproxy.it.examples", 200);

    private static final Set<String> HOP_BY_HOP = ci("Connection", "Keep-Alive", "Proxy-Connection",
            "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade");
    private static final Set<String> REPLACED = ci("Host", "Content-Length", "Forwarded", "X-Forwarded-For",
            "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Server",
            "X-Real-IP", "X-Request-Id");
    private static final Set<String> PROXY_WRITES = ci("Host", "Connection", "TE", "Content-Length",
            "Transfer-Encoding", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port",
            "X-Forwarded-Prefix", "X-Request-Id");

    private static FaultApp app;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(HostKind.enabled().contains(HostKind.JETTY_EE10), "runs on Jetty ee10 only");
        app = FaultApp.start(HostKind.JETTY_EE10);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    record Field(String name, String value) {
        @Override
        public String toString() {
            return name + ": " + value;
        }
    }

    record Case(String method, String path, Optional<String> query, List<Field> headers, byte[] body) {
        String target() {
            return "/ctx/wide" + path + query.map(q -> "?" + q).orElse("");
        }

        @Override
        public String toString() {
            return method + " " + target() + " " + headers + (body == null ? "" : " +" + body.length + " bytes");
        }
    }

    @Test
    void whatTheUpstreamReceivesIsExactlyWhatThePolicySays() {
        qt().withExamples(EXAMPLES).withShrinkCycles(50)
                .forAll(requests())
                .checkAssert(RequestPolicyPropertyIT::check);
        app.awaitQuiet(Duration.ofSeconds(10));
    }

    static void check(Case c) {
        try {
            app.upstream().reset();
            RawRequest request = RawRequest.of(c.method(), c.target());
            c.headers().forEach(f -> request.header(f.name(), f.value()));
            if (c.body() != null) {
                request.body(c.body());
            }
            RawResponse r = app.send(request);
            if (pathRefused(c.path())) {
                // 400 from the filter or the container; Jetty may answer 404 when the dot segments climb out of
                // the context, so that no application (and no filter) is there to see it
                boolean refused = r.status() == 400
                        || (r.status() == 404 && leavesTheContext("/ctx/wide" + c.path()));
                assertTrue(refused, () -> c + " must be refused: " + r);
                assertEquals(0, app.upstream().requestCount(), c + ": a refused request reached the upstream");
                return;
            }
            assertEquals(200, r.status(), () -> c + ": " + r);
            RecordedRequest up = app.upstream().takeRequest();
            assertEquals("/svc" + c.path() + c.query().map(q -> "?" + q).orElse(""), up.target(),
                    () -> c + ": the request-target changed");
            assertHeaders(c, up);
            if (c.body() != null) {
                assertEquals(Payload.digest(c.body()), up.digest(), c + ": the body changed");
            }
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(c + ": " + e, e);
        }
    }

    private static void assertHeaders(Case c, RecordedRequest up) {
        Set<String> listed = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        boolean trailers = false;
        Map<String, List<String>> sent = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Field f : c.headers()) {
            sent.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(f.value());
            if (f.name().equalsIgnoreCase("Connection")) {
                for (String t : f.value().split(",")) {
                    if (!t.isBlank()) {
                        listed.add(t.strip());
                    }
                }
            }
            if (f.name().equalsIgnoreCase("TE")) {
                for (String t : f.value().split(",")) {
                    trailers |= t.strip().toLowerCase(Locale.ROOT).startsWith("trailers");
                }
            }
        }
        Map<String, List<String>> expected = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        sent.forEach((name, values) -> {
            // the wide route keeps allowUnderscoreHeaders at its default, false: every name with '_' is dropped
            boolean dropped = HOP_BY_HOP.contains(name) || REPLACED.contains(name) || listed.contains(name)
                    || name.contains("_");
            if (!dropped) {
                expected.put(name, values);
            }
        });
        Map<String, List<String>> received = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, String> f : up.head().fields()) {
            received.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(f.getValue());
        }
        Map<String, List<String>> endToEnd = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        received.forEach((name, values) -> {
            if (!PROXY_WRITES.contains(name)) {
                endToEnd.put(name, values);
            }
        });
        assertEquals(expected, endToEnd, () -> c + ": end-to-end headers differ; upstream got\n" + up);
        assertEquals(List.of(app.upstream().authority()), up.headers("Host"), c::toString);
        assertEquals(List.of("127.0.0.1"), up.headers("X-Forwarded-For"), c::toString);
        assertEquals(List.of("http"), up.headers("X-Forwarded-Proto"), c::toString);
        assertEquals(List.of(app.authority()), up.headers("X-Forwarded-Host"), c::toString);
        assertEquals(List.of(Integer.toString(app.port())), up.headers("X-Forwarded-Port"), c::toString);
        assertEquals(List.of("/ctx/wide"), up.headers("X-Forwarded-Prefix"), c::toString);
        assertEquals(trailers ? List.of("trailers") : List.of(), up.headers("TE"), c::toString);
        List<String> ids = up.headers("X-Request-Id");
        assertEquals(1, ids.size(), () -> c + ": one request id upstream, got " + ids);
        String clientId = sent.getOrDefault("X-Request-Id", List.of()).stream().findFirst().orElse(null);
        boolean kept = clientId != null && clientId.length() >= 1 && clientId.length() <= 128;
        if (kept) {
            assertEquals(clientId, ids.get(0), () -> c + ": a well-formed client request id is kept");
        } else {
            assertTrue(ids.get(0).matches("[0-9a-f]{32}"), () -> c + ": generated request id " + ids.get(0));
        }
        Set<String> allowedTokens = trailers ? Set.of("keep-alive", "te") : Set.of("keep-alive");
        assertTrue(allowedTokens.containsAll(up.head().connectionTokens()),
                () -> c + ": the client's Connection tokens reached the upstream: " + up.head().connectionTokens());
    }

    /** The oracle for paths, from the README's path-safety rules plus what Jetty refuses before any filter. */
    static boolean pathRefused(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        for (String refused : List.of("%2f", "%5c", "%25", "%00", "%0a", "%0d", "%09", "%7f")) {
            if (lower.contains(refused)) {
                return true;
            }
        }
        for (String segment : decode(path).split("/", -1)) {
            int semi = segment.indexOf(';');
            String name = semi < 0 ? segment : segment.substring(0, semi);
            if (name.equals(".") || name.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** Whether resolving the dot segments of the decoded path leaves {@code /ctx}. */
    static boolean leavesTheContext(String path) {
        java.util.Deque<String> stack = new java.util.ArrayDeque<>();
        String[] segments = decode(path).split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            String seg = segments[i];
            int semi = seg.indexOf(';');
            String name = semi < 0 ? seg : seg.substring(0, semi);
            if (name.equals("..")) {
                if (stack.isEmpty()) {
                    return true;
                }
                stack.removeLast();
            } else if (!name.equals(".")) {
                stack.addLast(name);
            }
        }
        return stack.isEmpty() || !stack.peekFirst().equals("ctx");
    }

    private static String decode(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    // ---- generators -------------------------------------------------------------------------------------------

    static Gen<Case> requests() {
        Gen<String> method = Generate.pick(List.of("GET", "GET", "DELETE", "POST", "PUT"));
        return method.zip(paths(), queries(), headerSets(), bodies(), (m, p, q, h, b) ->
                new Case(m, p, q, h, m.equals("POST") || m.equals("PUT") ? b : null));
    }

    static Gen<String> paths() {
        Gen<String> piece = Generate.frequency(List.of(
                org.quicktheories.api.Pair.of(6, Generate.pick(List.of("a", "b", "Z", "0", "9", "-", "_", "~",
                        "api", "svc", "x.y"))),
                org.quicktheories.api.Pair.of(3, Generate.pick(List.of(".", ".."))),
                org.quicktheories.api.Pair.of(1, Generate.pick(List.of("!", "$", "&", "'", "(", ")", "*", "+", ",",
                        "=", ":", "@"))),
                org.quicktheories.api.Pair.of(2, Generate.pick(List.of("%20", "%41", "%e2%82%ac", "%2e", "%2E",
                        "%3B", "%3F", "%23", "%7E", "%2F", "%5c", "%25", "%252e", "%00", "%0a", "%7F")))));
        Gen<String> name = lists().of(piece).ofSizeBetween(1, 3).map(l -> String.join("", l));
        Gen<String> param = Generate.pick(List.of("", "", "", ";p=1", ";jsessionid=x", ";"));
        Gen<String> segment = name.zip(param, (n, p) -> n + p);
        return lists().of(segment).ofSizeBetween(1, 4).map(l -> "/" + String.join("/", l));
    }

    static Gen<Optional<String>> queries() {
        Gen<String> piece = Generate.pick(List.of("a", "b", "1", "=", "&", "%20", "%2F", "%25", "%ZZ", "%E2%82",
                "+", "/", "?", ":", "@", "|", "{", "}", "\"", "%00", "'", "!", "$", "(", ")", "*", ",", ";", "..",
                "%2e%2e", "~"));
        return lists().of(piece).ofSizeBetween(0, 8).map(l -> String.join("", l)).toOptionals(30);
    }

    static Gen<List<Field>> headerSets() {
        Gen<String> value = lists().of(Generate.characters(0x21, 0x7e)).ofSizeBetween(0, 10)
                .map(l -> {
                    StringBuilder sb = new StringBuilder();
                    l.forEach(sb::append);
                    return sb.toString();
                });
        Gen<Field> endToEnd = Generate.pick(List.of("X-P-a", "X-P-b", "x-p-c", "X-Multi", "Accept", "X_P_u",
                "My_Token", "Cookie", "Authorization")).zip(value, Field::new);
        Gen<Field> hop = Generate.pick(List.of("Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Trailer"))
                .zip(value, Field::new);
        Gen<Field> te = Generate.pick(List.of("trailers", "deflate", "trailers, deflate;q=0.5", "gzip"))
                .map(v -> new Field("TE", v));
        Gen<Field> connection = lists().of(Generate.pick(List.of("keep-alive", "X-P-a", "x-p-b", "X-Multi", "X_P_u",
                        "Cookie", "", " "))).ofSizeBetween(0, 3)
                .map(l -> new Field("Connection", String.join(",", l).strip()));
        Gen<Field> spoof = Generate.pick(List.of("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
                "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Server", "X-Real-IP", "Forwarded",
                "X_Forwarded_For", "x-forwarded_host")).zip(value, Field::new);
        Gen<Field> requestId = Generate.frequency(List.of(
                        org.quicktheories.api.Pair.of(3, value),
                        org.quicktheories.api.Pair.of(1, Generate.constant("r".repeat(129)))))
                .map(v -> new Field("X-Request-Id", v));
        Gen<Field> field = Generate.frequency(List.of(
                org.quicktheories.api.Pair.of(5, endToEnd),
                org.quicktheories.api.Pair.of(1, requestId),
                org.quicktheories.api.Pair.of(2, hop),
                org.quicktheories.api.Pair.of(1, te),
                org.quicktheories.api.Pair.of(2, connection),
                org.quicktheories.api.Pair.of(2, spoof)));
        return lists().of(field).ofSizeBetween(0, 7);
    }

    static Gen<byte[]> bodies() {
        return Generate.range(0, 64).zip(Generate.range(1, 1000), (n, seed) -> Payload.bytes(n, seed));
    }

    private static Set<String> ci(String... names) {
        Set<String> s = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        s.addAll(List.of(names));
        return s;
    }
}
