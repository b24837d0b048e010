package dev.streamproxy.internal.tls;

import dev.streamproxy.ProxyConfig;
import dev.streamproxy.TlsSettings;
import dev.streamproxy.testing.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.streamproxy.testing.TestCertificates.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-route TLS settings are checked when the config is built, with messages that never show a password. */
class TlsContextFactoryTest {

    private static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.shared();
    }

    private static ProxyConfig.Builder https() {
        return ProxyConfig.builder().targetUri("https://localhost:8443/svc");
    }

    private static String refused(ProxyConfig.Builder b) {
        String m = assertThrows(IllegalArgumentException.class, b::build).getMessage();
        assertFalse(m.contains(PASSWORD), "a password in the message: " + m);
        assertFalse(m.contains("wrong-password"), "a password in the message: " + m);
        return m;
    }

    @Test
    void aTrustStoreAndAClientKeyStoreThatOpenAreAccepted() {
        ProxyConfig c = https().trustStore(certs.trustStore().toString()).trustStorePassword(PASSWORD)
                .keyStore(certs.clientStore().toString()).keyStorePassword(PASSWORD).tlsProtocols(List.of("TLSv1.3"))
                .build();
        assertNotNull(TlsContextFactory.create(c.tls(), getClass().getClassLoader()).socketFactory());
    }

    @Test
    void theStoreTypeIsReadFromTheFileWhenNotGiven() {
        assertDoesNotThrow(() -> https().trustStore(certs.jksTrustStore().toString()).trustStorePassword(PASSWORD)
                .build());
        assertDoesNotThrow(() -> https().trustStore(certs.trustStore().toString()).trustStorePassword(PASSWORD)
                .trustStoreType("PKCS12").build());
    }

    @Test
    void aTrustStoreWithoutPasswordIsReadWithoutAnIntegrityCheck() {
        assertDoesNotThrow(() -> https().trustStore(certs.trustStore().toString()).build());
    }

    @Test
    void aClasspathStoreIsLookedUpThroughTheApplicationsClassLoader(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("certs"));
        Files.copy(certs.trustStore(), dir.resolve("certs/trust.p12"));
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader app = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            Thread.currentThread().setContextClassLoader(app);
            assertDoesNotThrow(() -> https().trustStore("classpath:certs/trust.p12").trustStorePassword(PASSWORD)
                    .build());
            String m = refused(https().trustStore("classpath:certs/missing.p12"));
            assertTrue(m.contains("invalid trustStore 'classpath:certs/missing.p12'") && m.contains("class path"), m);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    @Test
    void aMissingStoreNamesTheParameterAndTheAcceptedForm() {
        String m = refused(https().trustStore("/nonexistent/trust.p12"));
        assertTrue(m.contains("invalid trustStore '/nonexistent/trust.p12'"), m);
        assertTrue(m.contains("PKCS12 or JKS") && m.contains("file not found"), m);
        m = refused(https().keyStore("/nonexistent/client.p12").keyStorePassword(PASSWORD));
        assertTrue(m.contains("invalid keyStore '/nonexistent/client.p12'"), m);
    }

    @Test
    void aWrongPasswordNamesThePasswordParameterButNeverThePassword() {
        String m = refused(https().trustStore(certs.trustStore().toString()).trustStorePassword("wrong-password"));
        assertTrue(m.contains("invalid trustStorePassword"), m);
        m = refused(https().keyStore(certs.clientStore().toString()).keyStorePassword("wrong-password"));
        assertTrue(m.contains("invalid keyStorePassword"), m);
    }

    @Test
    void anExpiredClientCertificateIsRefusedWithItsDate() {
        String m = refused(https().keyStore(certs.expiredClientStore().toString()).keyStorePassword(PASSWORD));
        assertTrue(m.contains("invalid keyStore") && m.contains("expired on"), m);
    }

    @Test
    void aKeyStoreWithoutAKeyIsRefused() {
        String m = refused(https().keyStore(certs.trustStore().toString()).keyStorePassword(PASSWORD));
        assertTrue(m.contains("invalid keyStore") && m.contains("private key"), m);
    }

    @Test
    void aFileThatIsNoStoreAndAnUnknownTypeAreRefused() throws Exception {
        String m = refused(https().trustStore(certs.notAStore().toString()));
        assertTrue(m.contains("invalid trustStore") && m.contains("PKCS12 or JKS"), m);
        m = refused(https().trustStore(certs.trustStore().toString()).trustStoreType("PEM"));
        assertTrue(m.contains("invalid trustStoreType 'PEM'"), m);
    }

    @Test
    void anUnknownProtocolIsRefusedWithTheSupportedOnes() {
        String m = refused(https().tlsProtocols(List.of("TLSv1.3", "SSLv9")));
        assertTrue(m.contains("invalid tlsProtocols 'TLSv1.3,SSLv9'") && m.contains("TLSv1.2"), m);
    }

    @Test
    void initParamsReachTheSameChecks() {
        String m = assertThrows(IllegalArgumentException.class, () -> ProxyConfig.fromParameters(java.util.Map.of(
                "targetUri", "https://localhost:8443", "trustStore", certs.trustStore().toString(),
                "trustStorePassword", "wrong-password"))).getMessage();
        assertTrue(m.contains("invalid trustStorePassword"), m);
        ProxyConfig ok = ProxyConfig.fromParameters(java.util.Map.of("targetUri", "https://localhost:8443",
                "keyStore", certs.clientStore().toString(), "keyStorePassword", PASSWORD,
                "tlsProtocols", "TLSv1.3, TLSv1.2"));
        assertTrue(ok.tls().protocols().equals(List.of("TLSv1.3", "TLSv1.2")));
    }

    @Test
    void noParameterMeansTheJvmDefaultAndPasswordsNeverShowInToString() {
        assertTrue(https().build().tls().isJvmDefault());
        assertNull(https().build().tls().trustStore());
        ProxyConfig c = https().trustStore(certs.trustStore().toString()).trustStorePassword(PASSWORD)
                .keyStore(certs.clientStore().toString()).keyStorePassword(PASSWORD).build();
        assertFalse(c.toString().contains(PASSWORD), c.toString());
        assertFalse(c.tls().toString().contains(PASSWORD), c.tls().toString());
        assertTrue(c.toString().contains("trustStorePassword=***"), c.toString());
    }

    @Test
    void settingsSurviveToBuilder() {
        TlsSettings s = https().trustStore(certs.trustStore().toString()).trustStorePassword(PASSWORD).build().tls();
        assertTrue(s.equals(https().trustStore(certs.trustStore().toString()).trustStorePassword(PASSWORD).build()
                .toBuilder().build().tls()));
    }
}
