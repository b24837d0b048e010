package dev.streamproxy.it.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What each container did with a hostile input, written down as the tests observe it (to
 * {@code target/security-findings-<hosts>.txt}, one tab-separated line per observation) so that the README's Security
 * section can say what users get with each container's default settings.
 */
final class Findings {

    /** One file per failsafe execution (each runs its own hosts in its own JVM), rewritten by each run. */
    private static final Path FILE = Path.of("target", "security-findings-"
            + System.getProperty("streamproxy.it.hosts", "default").replaceAll("[^A-Za-z0-9.-]+", "_") + ".txt");
    private static boolean started;

    private Findings() {
    }

    static synchronized void record(FaultApp app, String topic, String input, String outcome) {
        String line = app.kind().id() + "\t" + topic + "\t" + input + "\t" + outcome + "\n";
        System.out.print("FINDING " + line);
        try {
            Files.createDirectories(FILE.getParent());
            if (!started) {
                Files.deleteIfExists(FILE);
                started = true;
            }
            Files.writeString(FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("could not record the finding: " + e);
        }
    }
}
