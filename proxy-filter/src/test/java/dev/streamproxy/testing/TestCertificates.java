package dev.streamproxy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test CA and the certificates signed by it, made with the JDK's own {@code keytool} in a directory of the
 * test's: nothing is checked in and nothing expires in the repository. Every store is PKCS12 with password
 * {@value #PASSWORD}, except {@link #jksTrustStore()}.
 *
 * <ul>
 * <li>{@link #trustStore()}: the CA certificate only, what a route trusts;</li>
 * <li>{@link #serverStore()}: key and chain for {@code localhost} / {@code 127.0.0.1}, for a TLS upstream;</li>
 * <li>{@link #otherHostStore()}: key and chain for {@code other.example} only: a wrong host name;</li>
 * <li>{@link #clientStore()}: a client key and chain for mutual TLS; {@link #expiredClientStore()}: the same,
 *     expired; {@link #selfSignedServerStore()}: a server certificate no trust store knows.</li>
 * </ul>
 */
public final class TestCertificates {

    /** The password of every store. */
    public static final String PASSWORD = "test-secret";

    private static TestCertificates shared;

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /**
     * One set per JVM, made on first use in a temporary directory removed at exit: the stores are read-only to
     * every test, and making them takes seconds.
     *
     * @return the JVM's set
     */
    public static synchronized TestCertificates shared() throws IOException, InterruptedException {
        if (shared == null) {
            Path dir = Files.createTempDirectory("streamproxy-certs");
            shared = create(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var files = Files.list(dir)) {
                    files.forEach(f -> f.toFile().delete());
                } catch (IOException e) {
                    // a temporary directory
                }
                dir.toFile().delete();
            }));
        }
        return shared;
    }

    /**
     * Creates everything in {@code dir} (a few seconds: keytool is a JVM of its own per step).
     *
     * @param dir an empty directory
     * @return the stores
     */
    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        TestCertificates c = new TestCertificates(dir);
        c.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=streamproxy test CA", "-ext", "bc:c", "-validity", "3", "-keystore", "ca.p12");
        c.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        c.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "trust.p12");
        c.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "trust.jks",
                "-storetype", "JKS");
        c.signed("server", "CN=localhost", "san=dns:localhost,ip:127.0.0.1", "-validity", "3");
        c.signed("other", "CN=other.example", "san=dns:other.example", "-validity", "3");
        c.signed("client", "CN=streamproxy test client", null, "-validity", "3");
        c.signed("expired", "CN=expired test client", null, "-startdate", "-3d", "-validity", "1");
        c.keytool("-genkeypair", "-alias", "self", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "3",
                "-keystore", "self.p12");
        return c;
    }

    private void signed(String name, String dname, String san, String... validity)
            throws IOException, InterruptedException {
        String store = name + ".p12";
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-validity", "3", "-keystore", store);
        keytool("-certreq", "-alias", name, "-keystore", store, "-file", name + ".csr");
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", "ca.p12",
                "-infile", name + ".csr", "-outfile", name + ".pem", "-rfc"));
        if (san != null) {
            gencert.addAll(List.of("-ext", san));
        }
        gencert.addAll(List.of(validity));
        keytool(gencert.toArray(new String[0]));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", store);
        keytool("-importcert", "-alias", name, "-file", name + ".pem", "-keystore", store);
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        if (!command.contains("-storepass")) {
            command.addAll(List.of("-storepass", PASSWORD));
        }
        if (!command.contains("-storetype") && !command.contains("-exportcert") && !command.contains("-gencert")
                && !command.contains("-certreq")) {
            command.addAll(List.of("-storetype", "PKCS12"));
        }
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed:\n" + out);
        }
    }

    /** @return the CA certificate alone, PKCS12 */
    public Path trustStore() {
        return dir.resolve("trust.p12");
    }

    /** @return the CA certificate alone, JKS */
    public Path jksTrustStore() {
        return dir.resolve("trust.jks");
    }

    /** @return key and chain for localhost and 127.0.0.1 */
    public Path serverStore() {
        return dir.resolve("server.p12");
    }

    /** @return key and chain for other.example only */
    public Path otherHostStore() {
        return dir.resolve("other.p12");
    }

    /** @return a client key and chain signed by the CA */
    public Path clientStore() {
        return dir.resolve("client.p12");
    }

    /** @return a client key and chain that expired two days ago */
    public Path expiredClientStore() {
        return dir.resolve("expired.p12");
    }

    /** @return a self-signed localhost key, trusted by nobody */
    public Path selfSignedServerStore() {
        return dir.resolve("self.p12");
    }

    /** @return the test CA's own store (its key signs the others) */
    public Path caStore() {
        return dir.resolve("ca.p12");
    }

    /** @return a file that is not a key store at all */
    public Path notAStore() throws IOException {
        Path p = dir.resolve("not-a-store.p12");
        Files.writeString(p, "this is not a key store");
        return p;
    }
}
