package dev.streamproxy.benchmark.contenders;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * streamproxy built from another commit by {@code benchmark/baseline.sh} ({@code proxy-filter.jar}, its runtime
 * dependencies in {@code lib/}, the commit in {@code commit.txt}): today's engine, raced beside the one being built.
 * A baseline contender is the same contender JVM with this jar on its class path in place of the current
 * {@code proxy-filter} (and of the self-contained {@code proxy-filter-all}, whose classes would otherwise fill in
 * whatever the baseline lacks). A dependency the baseline was built with replaces the current jar of the same
 * artifact; one the current class path does not have is left out, so that both engines run beside the same
 * libraries (an optional one such as micrometer-core changes nothing the benchmark measures).
 */
public record Baseline(Path dir, Path jar, List<Path> libs, String commit) {

    /**
     * Where {@code baseline.sh} puts it: {@code benchmark/target/baseline}, beside {@code benchmark.jar} (or beside
     * {@code target/classes} when run from the IDE), wherever the benchmark is started from.
     */
    public static Path defaultDir() {
        try {
            Path self = Path.of(Baseline.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return self.getParent().resolve("baseline");
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return Path.of("benchmark", "target", "baseline");
        }
    }

    /** The baseline in {@code dir}, or empty when nothing was built there. */
    public static Optional<Baseline> find(Path dir) throws IOException {
        Path jar = dir.resolve("proxy-filter.jar");
        if (!Files.isRegularFile(jar)) {
            return Optional.empty();
        }
        List<Path> libs = new ArrayList<>();
        if (Files.isDirectory(dir.resolve("lib"))) {
            try (Stream<Path> s = Files.list(dir.resolve("lib"))) {
                s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(libs::add);
            }
        }
        Path info = dir.resolve("commit.txt");
        String commit = Files.isRegularFile(info) ? Files.readString(info).trim() : "unknown commit";
        return Optional.of(new Baseline(dir, jar, List.copyOf(libs), commit));
    }

    /** The commit's short hash (the second word of commit.txt: full hash, short hash, date, subject). */
    public String shortCommit() {
        String[] words = commit.split(" ");
        return words.length > 1 ? words[1] : commit;
    }

    /** {@code classpath} with the current filter out and this baseline in, its dependencies in place of theirs. */
    List<String> swap(List<String> classpath) {
        Map<String, Path> mine = new HashMap<>();
        libs.forEach(p -> mine.put(artifactId(p.getFileName().toString()), p));
        Set<String> out = new LinkedHashSet<>();
        out.add(jar.toString());
        for (String entry : classpath) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("proxy-filter-")) {
                continue;
            }
            Path replacement = mine.get(artifactId(name));
            out.add(replacement != null ? replacement.toString() : entry);
        }
        return List.copyOf(out);
    }

    /** "httpcore5" from "httpcore5-5.4.4.jar": the name up to the first dash followed by a digit. */
    static String artifactId(String jarName) {
        String base = jarName.endsWith(".jar") ? jarName.substring(0, jarName.length() - 4) : jarName;
        for (int i = 0; i + 1 < base.length(); i++) {
            if (base.charAt(i) == '-' && Character.isDigit(base.charAt(i + 1))) {
                return base.substring(0, i);
            }
        }
        return base;
    }
}
