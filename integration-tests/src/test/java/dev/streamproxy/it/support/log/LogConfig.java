package dev.streamproxy.it.support.log;

import org.slf4j.event.Level;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Properties;

/**
 * slf4j-simple's settings, read the way it reads them: {@code simplelogger.properties} on the class path, each entry
 * overridden by a system property of the same name ({@code -Dorg.slf4j.simpleLogger.defaultLogLevel=warn}).
 * Honoured: {@code defaultLogLevel}, {@code log.<logger or package>}, {@code showDateTime}, {@code dateTimeFormat},
 * {@code showThreadName}.
 */
final class LogConfig {

    private static final String PREFIX = "org.slf4j.simpleLogger.";
    private static final long START = System.currentTimeMillis();

    private final Properties properties = new Properties();
    private final Level defaultLevel;
    private final boolean showDateTime;
    private final DateTimeFormatter dateTimeFormat;
    private final boolean showThreadName;

    LogConfig() {
        try (InputStream in = LogConfig.class.getClassLoader().getResourceAsStream("simplelogger.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("simplelogger.properties cannot be read", e);
        }
        defaultLevel = parse(get("defaultLogLevel", "info"));
        showDateTime = Boolean.parseBoolean(get("showDateTime", "false"));
        String format = get("dateTimeFormat", null);
        dateTimeFormat = format == null ? null : DateTimeFormatter.ofPattern(format).withZone(ZoneId.systemDefault());
        showThreadName = Boolean.parseBoolean(get("showThreadName", "true"));
    }

    private String get(String key, String otherwise) {
        String value = System.getProperty(PREFIX + key, properties.getProperty(PREFIX + key));
        return value == null ? otherwise : value.strip();
    }

    /** @return the level of {@code logger}: its own entry, else its nearest package's, else the default; null is off */
    Level levelOf(String logger) {
        for (String n = logger; !n.isEmpty(); n = n.lastIndexOf('.') < 0 ? "" : n.substring(0, n.lastIndexOf('.'))) {
            String level = get("log." + n, null);
            if (level != null) {
                return parse(level);
            }
        }
        return defaultLevel;
    }

    private static Level parse(String level) {
        return level.equalsIgnoreCase("off") ? null : Level.valueOf(level.toUpperCase(Locale.ROOT));
    }

    /** @return the date prefix of a line, with its trailing space, or empty */
    String timestamp() {
        if (!showDateTime) {
            return "";
        }
        long now = System.currentTimeMillis();
        return (dateTimeFormat == null ? Long.toString(now - START) : dateTimeFormat.format(Instant.ofEpochMilli(now)))
                + " ";
    }

    boolean showThreadName() {
        return showThreadName;
    }
}
