package dev.streamproxy.it.observe;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.log.RecordedLogs;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The filter's log lines as {@link RecordedLogs} kept them: the access log ({@value #ACCESS}) and the filter's own
 * lines ({@value #FILTER}). A line is written when the exchange ends, which may be a moment after the client has read
 * the whole answer, so a test waits for it (polled, bounded) instead of expecting it at once.
 */
final class AccessLines {

    /** The access log's logger, as the README names it. */
    static final String ACCESS = "dev.streamproxy.access";
    /** The logger of the filter's own lines (start-up, failures). */
    static final String FILTER = "dev.streamproxy.ProxyFilter";
    static final Duration DEADLINE = Duration.ofSeconds(10);
    /** One decimal, as every time in the access log and in Server-Timing. */
    static final Pattern MILLIS = Pattern.compile("\\d+\\.\\d");
    static final Pattern GENERATED_ID = Pattern.compile("[0-9a-f]{32}");

    private AccessLines() {
    }

    /** @return the access lines of the exchange {@code id}, whatever their level */
    static List<RecordedLogs.LogEvent> of(String id) {
        String key = " id=" + id + " ";
        return RecordedLogs.events().stream().filter(e -> e.logger().equals(ACCESS) && e.message().contains(key))
                .toList();
    }

    /**
     * Waits for the access line of exchange {@code id}; it must be exactly one, at INFO.
     *
     * @return its fields, in order
     */
    static Map<String, String> await(String id) {
        Await.until(DEADLINE, "the access line of exchange " + id, () -> !of(id).isEmpty(),
                () -> RecordedLogs.events().stream().filter(e -> e.logger().equals(ACCESS)).toList());
        List<RecordedLogs.LogEvent> lines = of(id);
        assertEquals(1, lines.size(), () -> "not exactly one access line for " + id + ": " + lines);
        RecordedLogs.LogEvent line = lines.get(0);
        assertEquals(Level.INFO, line.level(), line::toString);
        return fields(line.message());
    }

    /** Waits for the one access line of the exchange on {@code path} (a path no other exchange used). */
    static Map<String, String> awaitByPath(String path) {
        String key = " path=" + path + " ";
        Await.until(DEADLINE, "the access line of " + path, () -> RecordedLogs.events().stream()
                        .anyMatch(e -> e.logger().equals(ACCESS) && e.message().contains(key)),
                () -> RecordedLogs.events().stream().filter(e -> e.logger().equals(ACCESS)).toList());
        List<RecordedLogs.LogEvent> lines = RecordedLogs.events().stream()
                .filter(e -> e.logger().equals(ACCESS) && e.message().contains(key)).toList();
        assertEquals(1, lines.size(), () -> "not exactly one access line for " + path + ": " + lines);
        return fields(lines.get(0).message());
    }

    /** Splits {@code key=value key=value ...}; every token must be a pair and no key may repeat. */
    static Map<String, String> fields(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String token : line.split(" ")) {
            int eq = token.indexOf('=');
            assertTrue(eq > 0, () -> "not key=value: '" + token + "' in " + line);
            String previous = fields.put(token.substring(0, eq), token.substring(eq + 1));
            assertEquals(null, previous, () -> "key repeated in " + line);
        }
        return fields;
    }

    /** The keys of an access line, in the README's order. */
    static final List<String> KEYS = List.of("route", "id", "method", "path", "status", "in", "out", "ms", "ttfb_ms",
            "target", "tries", "outcome");

    /** @return every kept log event (any logger, any level) whose message or throwable mentions {@code text} */
    static List<RecordedLogs.LogEvent> mentioning(String text) {
        return RecordedLogs.events().stream().filter(e -> e.message().contains(text)
                || (e.throwable() != null && String.valueOf(e.throwable()).contains(text))).toList();
    }

    /** Waits for the filter's WARN line of exchange {@code id} (a failed exchange) and returns it. */
    static String awaitWarning(String id) {
        Await.until(DEADLINE, "the filter's warning for exchange " + id,
                () -> !RecordedLogs.events(Level.WARN, FILTER, " " + id + " ").isEmpty(),
                () -> RecordedLogs.events().stream().filter(e -> e.logger().equals(FILTER)).toList());
        List<RecordedLogs.LogEvent> warnings = RecordedLogs.events(Level.WARN, FILTER, " " + id + " ");
        assertEquals(1, warnings.size(), warnings::toString);
        return warnings.get(0).message();
    }
}
