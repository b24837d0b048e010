package dev.streamproxy.benchmark;

import java.util.Locale;

/** Progress lines on standard output, each with the time since the run started. */
final class Progress {

    private final long start = System.nanoTime();

    void say(String line) {
        long s = (System.nanoTime() - start) / 1_000_000_000L;
        System.out.printf(Locale.ROOT, "[%02d:%02d] %s%n", s / 60, s % 60, line);
        System.out.flush();
    }
}
