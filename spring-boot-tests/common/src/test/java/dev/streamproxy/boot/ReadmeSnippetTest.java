package dev.streamproxy.boot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's Spring Boot snippet is the code these tests run: its lines must appear, in order and together, in
 * {@code ApiProxyConfiguration} (leading indentation aside). Edit both, or this fails.
 */
class ReadmeSnippetTest {

    /** Paths from the module directory (surefire's working directory): spring-boot-tests/boot-x.y. */
    private static final Path README = Path.of("../../README.md");
    private static final Path APPLICATION_SOURCE =
            Path.of("../common/src/test/java/dev/streamproxy/boot/app/ApiProxyConfiguration.java");
    private static final String SNIPPET_START = "// Spring Boot (embedded Tomcat or Jetty)";
    private static final String FENCE = "```";

    @Test
    @Timeout(60)
    void theReadmesSpringBootSnippetIsTheTestApplicationsCode() throws IOException {
        List<String> snippet = unindented(snippet(read(README)));
        List<String> source = unindented(read(APPLICATION_SOURCE));

        assertTrue(Collections.indexOfSubList(source, snippet) >= 0,
                "README.md's Spring Boot snippet differs from " + APPLICATION_SOURCE.getFileName() + "; snippet:\n"
                        + String.join("\n", snippet));
    }

    private static List<String> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            fail(file + " not found (resolved to " + file.toAbsolutePath().normalize()
                    + "): run the tests from the module directory, as Maven does");
        }
        return Files.readAllLines(file);
    }

    /** @return the lines from the snippet's first line to the closing fence of its code block */
    private static List<String> snippet(List<String> readme) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < readme.size(); i++) {
            if (readme.get(i).strip().equals(SNIPPET_START)) {
                starts.add(i);
            }
        }
        assertEquals(1, starts.size(), "README.md must have one line '" + SNIPPET_START + "', at lines " + starts);
        int end = starts.get(0);
        while (end < readme.size() && !readme.get(end).strip().equals(FENCE)) {
            end++;
        }
        List<String> snippet = readme.subList(starts.get(0), end);
        assertTrue(snippet.size() > 5 && end < readme.size(),
                "the snippet must be a closed code block of the whole registration: " + snippet);
        return snippet;
    }

    private static List<String> unindented(List<String> lines) {
        return lines.stream().map(String::stripLeading).toList();
    }
}
