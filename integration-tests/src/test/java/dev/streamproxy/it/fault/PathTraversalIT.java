package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Path safety: whatever a container lets through, a request never reaches an upstream path outside the target's
 * base path ({@code /svc}), and an ambiguous path gets 400, never a guess. Each hostile path is sent byte for byte on
 * a raw socket; some containers refuse it themselves (400, or a closed connection), the filter refuses the rest. Which
 * one answered is recorded per host (target/security-findings-<hosts>.txt).
 *
 * <p>Without the filter's checks ({@code PathSafety}, and {@code PrefixRoute}'s refusal of encoded or parameterised
 * prefixes) the raw path would be forwarded as is: {@code /svc/../secret} and its spellings would reach the upstream,
 * which is what these tests catch.
 */
class PathTraversalIT {

    /** What follows the prefix: every spelling of a dot segment, separator tricks, NUL and control characters. */
    static final List<String> HOSTILE_SUFFIXES = List.of(
            // plain dot segments
            "/../secret", "/a/../../secret", "/./secret", "/..", "/.", "/a/..",
            // percent-encoded dots, any case, half-encoded
            "/%2e%2e/secret", "/%2E%2E/secret", "/.%2e/secret", "/%2e./secret", "/%2e/secret", "/a/%2e%2e",
            // encoded slash or backslash next to dots
            "/..%2fsecret", "/..%2Fsecret", "/%2e%2e%2fsecret", "/..%5csecret", "/..%5Csecret",
            // raw backslash (Windows-style separators)
            "/..\\secret", "/a\\..\\..\\secret", "/a\\b",
            // ;params on a dot segment (Tomcat's ..;/ bypass)
            "/..;/secret", "/..;x=1/secret", "/%2e%2e;/secret", "/.;/secret", "/a/..;/..;/secret",
            // NUL
            "/a%00b", "/a%00/../secret", "/%00",
            // double encoding, for an upstream that decodes twice
            "/%252e%252e/secret", "/%252e%252e%252fsecret", "/%25%32%65%25%32%65/secret", "/%252E%252E/secret",
            // control characters, encoded and raw
            "/a%0d%0aX-Injected:%201", "/a%0ab", "/a%09b", "/a%7fb", "/a%1bb", "/a\u0001b", "/a\u007fb");

    /** Tricks on the prefix itself: the filter must not route on one reading and forward another. */
    static final List<String> PREFIX_TRICKS = List.of(
            "/ctx/%77ide/secret", "/ctx/%77%69%64%65/secret", "/ctx/wide;x=1/secret", "/ctx/wide;/secret",
            "/ctx/x/../wide/secret", "/ctx/wide/../wide/secret", "/ctx/./wide/secret");

    /** Tricks on the context path: refused, or forwarded as exactly what the container routed. */
    static final List<String> CONTEXT_TRICKS = List.of(
            "/ctx;jsessionid=1/wide/x", "/ctx;x/wide/x", "/%63tx/wide/x", "/x/../ctx/wide/x", "/ctx/%2e%2e/ctx/wide/x");

    /** Paths that only look like dot segments: forwarded byte for byte. */
    static final List<String> HARMLESS_SUFFIXES = List.of(
            "/a..b", "/...", "/.well-known/x", "/a/.hidden", "/a./b.", "/..a/b..", "/%2e%2e%2e", "/a%2eb");

    @FaultTest
    void everySpellingOfADotSegmentOrControlCharacterUnderTheProxyPrefixGets400(FaultApp app) throws Exception {
        List<String> wrong = new ArrayList<>();
        for (String suffix : HOSTILE_SUFFIXES) {
            String target = "/ctx/wide" + suffix;
            Outcome o = Outcome.of(app, target);
            Findings.record(app, "path /* mapping", escape(suffix), o.describe());
            if (!(o.refused() || o.redirectedToContextRootByContainer()) || o.upstreamTargets.size() > 0) {
                wrong.add(escape(target) + " -> " + o.describe());
            }
        }
        assertTrue(wrong.isEmpty(), "hostile paths not refused with 400 by " + app + ":\n" + String.join("\n", wrong));
    }

    @FaultTest
    void underAFilterMappedToItsPrefixAHostilePathIsRefusedOrNeverReachesTheProxy(FaultApp app) throws Exception {
        // mapped /api/*: the container's own normalisation may route the request away from the filter (to the app);
        // what must never happen is an upstream request
        List<String> wrong = new ArrayList<>();
        for (String suffix : HOSTILE_SUFFIXES) {
            String target = "/ctx/api" + suffix;
            Outcome o = Outcome.of(app, target);
            Findings.record(app, "path /api/* mapping", escape(suffix), o.describe());
            if (!(o.refused() || o.servedByApp() || o.redirectedToContextRootByContainer())
                    || o.upstreamTargets.size() > 0) {
                wrong.add(escape(target) + " -> " + o.describe());
            }
        }
        assertTrue(wrong.isEmpty(), "hostile paths reached the upstream via " + app + ":\n" + String.join("\n", wrong));
    }

    @FaultTest
    void anEncodedOrParameterisedPrefixIsRefusedNotGuessed(FaultApp app) throws Exception {
        List<String> wrong = new ArrayList<>();
        for (String target : PREFIX_TRICKS) {
            Outcome o = Outcome.of(app, target);
            Findings.record(app, "prefix trick", escape(target), o.describe());
            if (!o.refused() || o.upstreamTargets.size() > 0) {
                wrong.add(escape(target) + " -> " + o.describe());
            }
        }
        assertTrue(wrong.isEmpty(), "prefix tricks not refused by " + app + ":\n" + String.join("\n", wrong));
    }

    @FaultTest
    void aContextPathTrickIsRefusedOrForwardedOnlyInsideTheBasePath(FaultApp app) throws Exception {
        List<String> wrong = new ArrayList<>();
        for (String target : CONTEXT_TRICKS) {
            Outcome o = Outcome.of(app, target);
            Findings.record(app, "context trick", escape(target), o.describe());
            boolean ok = o.refused() || o.servedByApp()
                    || (o.status == 200 && o.upstreamTargets.equals(List.of("/svc/x")));
            if (!ok) {
                wrong.add(escape(target) + " -> " + o.describe());
            }
        }
        assertTrue(wrong.isEmpty(), "context tricks mishandled by " + app + ":\n" + String.join("\n", wrong));
    }

    @FaultTest
    void namesThatOnlyLookLikeDotSegmentsAreForwardedByteForByte(FaultApp app) throws Exception {
        for (String suffix : HARMLESS_SUFFIXES) {
            Outcome o = Outcome.of(app, "/ctx/wide" + suffix);
            Findings.record(app, "harmless dots", suffix, o.describe());
            if (o.refusedByContainer()) {
                continue; // the container's choice, recorded; the filter itself must not refuse these
            }
            assertEquals(200, o.status, () -> suffix + ": " + o.describe());
            assertEquals(List.of("/svc" + suffix), o.upstreamTargets, suffix);
        }
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("<%02x>", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** What one raw request produced: the client's answer and every request-target the upstream received. */
    static final class Outcome {
        final int status; // -1: the connection closed without a response
        final String body;
        final String servedBy;
        final String location;
        final List<String> upstreamTargets;

        private Outcome(int status, String body, String servedBy, String location, List<String> upstreamTargets) {
            this.status = status;
            this.body = body;
            this.servedBy = servedBy;
            this.location = location;
            this.upstreamTargets = upstreamTargets;
        }

        static Outcome of(FaultApp app, String target) throws InterruptedException {
            app.upstream().reset();
            int status;
            String body = "";
            String servedBy = null;
            String location = null;
            try {
                RawResponse r = app.send(RawRequest.get(target));
                status = r.status();
                body = r.text();
                servedBy = r.header("X-Served-By");
                location = r.header("Location");
            } catch (IOException e) {
                status = -1;
            }
            // a request that reached the upstream has arrived by the time the client has its answer
            List<String> targets = new ArrayList<>();
            while (app.upstream().requestCount() > targets.size()) {
                RecordedRequest up = app.upstream().takeArrival(Duration.ofSeconds(1));
                targets.add(up.target());
            }
            return new Outcome(status, body, servedBy, location, targets);
        }

        boolean refusedByFilter() {
            return status == 400 && FaultApp.FILTER_400.equals(body);
        }

        boolean refusedByContainer() {
            return (status == 400 && !refusedByFilter()) || status == -1;
        }

        boolean refused() {
            return status == 400 || status == -1;
        }

        /** Tomcat resolves {@code /ctx/x/..} to the context root and redirects there before any filter runs. */
        boolean redirectedToContextRootByContainer() {
            return status == 302 && location != null && location.endsWith(FaultApp.CONTEXT + "/");
        }

        boolean servedByApp() {
            return status == 200 && "app".equals(servedBy);
        }

        String describe() {
            String who;
            if (refusedByFilter()) {
                who = "400 by the filter";
            } else if (status == -1) {
                who = "connection closed by the container, no response";
            } else if (status == 400) {
                who = "400 by the container";
            } else if (redirectedToContextRootByContainer()) {
                who = "302 to the context root by the container";
            } else if (servedByApp()) {
                who = "200 by the app (the container routed it away from the proxy)";
            } else {
                who = status + " " + (body.length() > 60 ? body.substring(0, 60) : body).strip();
            }
            return upstreamTargets.isEmpty() ? who : who + "; UPSTREAM GOT " + hex(upstreamTargets);
        }

        private static String hex(List<String> targets) {
            List<String> out = new ArrayList<>();
            for (String t : targets) {
                out.add(escape(t) + " [" + HexFormat.of().formatHex(t.getBytes(StandardCharsets.ISO_8859_1)) + "]");
            }
            return out.toString();
        }
    }
}
