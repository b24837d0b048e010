package dev.streamproxy.it.tls;

import dev.streamproxy.ProxyFilter;
import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.log.RecordedLogs;
import dev.streamproxy.testing.TestCertificates;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS to the upstream with each route's own trust and key material ({@code trustStore}, {@code keyStore},
 * {@code tlsProtocols}), against real TLS upstreams ({@link TlsUpstream}, embedded Jetty) with certificates made by
 * {@link TestCertificates}. A route trusts exactly what its trust store holds (or, without one, the JVM's default
 * trust), always checks the upstream's host name, presents its client certificate when the upstream asks for one,
 * and offers only its protocols. Every refused handshake is a 502 for the client, no request reaches the upstream,
 * and the filter logs exactly one warning line for it, which names the problem (untrusted certificate, host name,
 * protocol) so that an operator can tell it from an upstream that is down. Stores that cannot be opened fail the
 * filter's {@code init()} naming the parameter, never showing a password.
 *
 * <p>TLS to the upstream does not depend on the container, so these run in the Jetty hosts only (see the failsafe
 * executions).
 */
class UpstreamTlsIT {

    /** The filter's own logger, which every exchange log line goes to. */
    private static final String FILTER_LOGGER = "dev.streamproxy.ProxyFilter";
    private static final String SECRET = "Wr0ng-Pa55word-4711";

    @TlsTest
    void aRoutesTrustStoreVerifiesTheUpstream(TlsApp app) throws Exception {
        RawResponse r = app.send(RawRequest.get("/ctx/trusted/hello"));

        assertAll(r.toString(),
                () -> assertEquals(200, r.status()),
                () -> assertEquals(TlsUpstream.BODY, r.text()),
                () -> assertEquals("none", r.header("X-Client-Certificate")));
    }

    @TlsTest
    void withoutATrustStoreTheJvmsDefaultTrustRefusesTheUpstream(TlsApp app) throws Exception {
        String warning = refusedWith502(app, "jvmtrust", "server");

        assertTrue(warning.contains("PKIX") || warning.contains("certification path"),
                "the warning does not name the certificate problem: " + warning);
    }

    @TlsTest
    void aCertificateForAnotherHostNameIsRefused(TlsApp app) throws Exception {
        String warning = refusedWith502(app, "wronghost", "other");

        assertTrue(warning.toLowerCase(Locale.ROOT).contains("subject alternative"),
                "the warning does not name the host name mismatch: " + warning);
    }

    @TlsTest
    void aSelfSignedCertificateOutsideTheTrustStoreIsRefused(TlsApp app) throws Exception {
        String warning = refusedWith502(app, "selfsigned", "self");

        assertTrue(warning.contains("PKIX") || warning.contains("certification path"),
                "the warning does not name the certificate problem: " + warning);
    }

    @TlsTest
    void theKeyStoresClientCertificateIsPresentedToAnUpstreamThatRequiresOne(TlsApp app) throws Exception {
        RawResponse r = app.send(RawRequest.get("/ctx/mtls/hello"));

        assertAll(r.toString(),
                () -> assertEquals(200, r.status()),
                () -> assertEquals(TlsUpstream.BODY, r.text()),
                () -> assertEquals("CN=streamproxy test client", r.header("X-Client-Certificate")));
    }

    @TlsTest
    void withoutAKeyStoreAnUpstreamThatRequiresAClientCertificateRefuses(TlsApp app) throws Exception {
        // TLS 1.3: the upstream refuses the missing certificate after the client's side of the handshake is done,
        // so the request's write may fail first ("Broken pipe"); the filter then reads the upstream's alert, and
        // the warning names the certificate problem either way
        String warning = refusedWith502(app, "nocert", "mtls");
        assertTrue(warning.toLowerCase(Locale.ROOT).contains("certificate"),
                "the warning does not name the certificate problem: " + warning);
    }

    @TlsTest
    void onlyTheRoutesTlsProtocolsAreOffered(TlsApp app) throws Exception {
        RawResponse tls13 = app.send(RawRequest.get("/ctx/tls13/hello"));
        assertAll(tls13.toString(),
                () -> assertEquals(200, tls13.status()),
                () -> assertEquals("TLSv1.3", tls13.header("X-Tls-Protocol")));

        String warning = refusedWith502(app, "tls12", "tls13");

        assertTrue(warning.toLowerCase(Locale.ROOT).contains("protocol"),
                "the warning does not name the protocol problem: " + warning);
    }

    /**
     * Sends a request through {@code route}; the client must get 502, the TLS upstream {@code upstream} no
     * request, and the filter must log exactly one warning for it: one line, no stack trace.
     *
     * @return the warning's message
     */
    private static String refusedWith502(TlsApp app, String route, String upstream) throws Exception {
        int requestsBefore = app.tlsUpstream(upstream).requests();
        String path = "/ctx/" + route + "/" + UUID.randomUUID();

        RawResponse r = app.send(RawRequest.get(path));

        assertEquals(502, r.status(), r::toString);
        assertEquals(requestsBefore, app.tlsUpstream(upstream).requests(), "a request got through to the upstream");
        // the answer can reach the client just before the warning is written
        Await.until(Duration.ofSeconds(5), "the filter's warning for " + path, () -> !warnings(path).isEmpty(),
                () -> RecordedLogs.events().stream().filter(e -> e.message().contains("[" + route + "]")).toList());
        List<RecordedLogs.LogEvent> warnings = warnings(path);
        assertEquals(1, warnings.size(), () -> "not exactly one warning: " + warnings);
        RecordedLogs.LogEvent w = warnings.get(0);
        assertAll(w.toString(),
                () -> assertTrue(w.message().startsWith("[" + route + "] "), "the warning does not name the route"),
                () -> assertFalse(w.message().contains("\n"), "the warning is more than one line"),
                () -> assertNull(w.throwable(), "the warning carries a stack trace"));
        return w.message();
    }

    private static List<RecordedLogs.LogEvent> warnings(String path) {
        return RecordedLogs.events(Level.WARN, FILTER_LOGGER, path);
    }

    // init() does not depend on the host; these take the app only for its certificates, made before a test's
    // time limit starts (a few dozen keytool runs)

    @TlsTest
    void aTrustStoreThatDoesNotExistFailsInitNamingTheParameter(TlsApp app) {
        assertInitFailsNaming("trustStore", Map.of("trustStore", "/nonexistent/trust.p12",
                "trustStorePassword", SECRET));
    }

    @TlsTest
    void aWrongTrustStorePasswordFailsInitNamingTheParameterButNotThePassword(TlsApp app) {
        assertInitFailsNaming("trustStorePassword", Map.of("trustStore",
                app.certificates().trustStore().toString(), "trustStorePassword", SECRET));
    }

    @TlsTest
    void aKeyStoreThatDoesNotExistFailsInitNamingTheParameter(TlsApp app) {
        assertInitFailsNaming("keyStore", Map.of("trustStore", app.certificates().trustStore().toString(),
                "trustStorePassword", TestCertificates.PASSWORD, "keyStore", "/nonexistent/client.p12",
                "keyStorePassword", SECRET));
    }

    @TlsTest
    void aWrongKeyStorePasswordFailsInitNamingTheParameterButNotThePassword(TlsApp app) {
        assertInitFailsNaming("keyStorePassword", Map.of("trustStore", app.certificates().trustStore().toString(),
                "trustStorePassword", TestCertificates.PASSWORD,
                "keyStore", app.certificates().clientStore().toString(), "keyStorePassword", SECRET));
    }

    /**
     * Initialises a {@code new ProxyFilter()} the {@code web.xml} way with an {@code https} target and
     * {@code tlsParams}; init must fail with a message naming {@code parameter} (as {@code invalid <parameter>})
     * in which no password appears, in the exception or any of its causes.
     */
    private static void assertInitFailsNaming(String parameter, Map<String, String> tlsParams) {
        Map<String, String> params = new LinkedHashMap<>(tlsParams);
        params.put("targetUri", "https://localhost:8443/svc");
        params.put("prefix", "/tls");
        ProxyFilter filter = new ProxyFilter();

        ServletException e = assertThrows(ServletException.class, () -> filter.init(filterConfig("tls", params)));

        assertTrue(e.getMessage().contains("invalid " + parameter + " ") || e.getMessage().contains("invalid "
                + parameter + ":"), () -> "the message does not name " + parameter + ": " + e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            assertFalse(message.contains(SECRET), "a password in a message: " + message);
        }
    }

    private static FilterConfig filterConfig(String name, Map<String, String> params) {
        return new FilterConfig() {
            @Override
            public String getFilterName() {
                return name;
            }

            @Override
            public ServletContext getServletContext() {
                return null;
            }

            @Override
            public String getInitParameter(String n) {
                return params.get(n);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        };
    }
}
