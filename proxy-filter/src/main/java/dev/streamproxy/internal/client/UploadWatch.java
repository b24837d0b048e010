package dev.streamproxy.internal.client;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Catches the one early answer the write path cannot: an upstream that answered, stopped reading, and left the
 * upload's thread blocked in a socket write (the socket buffers full) where no check runs any more. Every
 * {@value #PERIOD_MILLIS} ms the route's thread looks at the connections whose current write has been blocked for
 * longer than that; one with an answer waiting gets its output shut down, which ends the write with an error that
 * the body turns into "stopped by the answer", and the answer is read and relayed as usual.
 */
final class UploadWatch implements Runnable {

    static final long PERIOD_MILLIS = 250;

    private final Set<UpstreamConnection> uploading = ConcurrentHashMap.newKeySet();

    void started(UpstreamConnection c) {
        uploading.add(c);
    }

    void ended(UpstreamConnection c) {
        uploading.remove(c);
    }

    @Override
    public void run() {
        long blockedSince = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);
        for (UpstreamConnection c : uploading) {
            c.stopIfBlockedByAnAnswer(blockedSince);
        }
    }

    int size() {
        return uploading.size();
    }
}
