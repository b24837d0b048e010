package dev.streamproxy.it.support.log;

import org.slf4j.event.Level;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every log event this JVM printed through SLF4J (the filter's, Jetty's; not Tomcat's, which logs through JULI), kept
 * for the tests that must see what the filter logs: {@link RecordingServiceProvider} is the test classpath's SLF4J
 * binding. Only the newest {@value #KEPT} events are kept, so a long run cannot fill the heap.
 */
public final class RecordedLogs {

    /** How many of the newest events are kept. */
    public static final int KEPT = 10_000;

    private static final ConcurrentLinkedDeque<LogEvent> EVENTS = new ConcurrentLinkedDeque<>();
    private static final AtomicInteger SIZE = new AtomicInteger();

    private RecordedLogs() {
    }

    /**
     * One printed event.
     *
     * @param level     its level
     * @param logger    the logger's name
     * @param thread    the thread that logged it
     * @param message   the message, arguments filled in
     * @param throwable the throwable logged with it, or null
     */
    public record LogEvent(Level level, String logger, String thread, String message, Throwable throwable) {
    }

    static void add(LogEvent event) {
        EVENTS.addLast(event);
        if (SIZE.incrementAndGet() > KEPT && EVENTS.pollFirst() != null) {
            SIZE.decrementAndGet();
        }
    }

    /** @return the kept events, oldest first */
    public static List<LogEvent> events() {
        return new ArrayList<>(EVENTS);
    }

    /** @return the kept events of {@code level} from the logger {@code logger} whose message contains {@code text} */
    public static List<LogEvent> events(Level level, String logger, String text) {
        return EVENTS.stream().filter(e -> e.level() == level && e.logger().equals(logger)
                && e.message().contains(text)).toList();
    }

    /** Forgets every event kept so far. */
    public static void clear() {
        for (LogEvent e; (e = EVENTS.pollFirst()) != null; ) {
            SIZE.decrementAndGet();
        }
    }
}
