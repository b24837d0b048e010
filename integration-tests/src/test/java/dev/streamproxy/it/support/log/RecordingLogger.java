package dev.streamproxy.it.support.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.io.PrintStream;

/** Prints an enabled event the way slf4j-simple does, to the current {@code System.err}, and records it. */
final class RecordingLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    private final transient LogConfig config;
    private final Level threshold;

    RecordingLogger(String name, LogConfig config) {
        this.name = name;
        this.config = config;
        this.threshold = config.levelOf(name);
    }

    private boolean enabled(Level level) {
        return threshold != null && level.toInt() >= threshold.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        if (!enabled(level)) {
            return;
        }
        String thread = Thread.currentThread().getName();
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        RecordedLogs.add(new RecordedLogs.LogEvent(level, name, thread, message, throwable));
        StringBuilder line = new StringBuilder(config.timestamp());
        if (config.showThreadName()) {
            line.append('[').append(thread).append("] ");
        }
        line.append(level).append(' ').append(name).append(" - ").append(message);
        PrintStream err = System.err;
        synchronized (err) {
            err.println(line);
            if (throwable != null) {
                throwable.printStackTrace(err);
            }
            err.flush();
        }
    }
}
