package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.Upstream;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Watches one upload from the upstream's side: when its first bytes arrive, and whether it ended complete (the whole
 * framed body read, then 200) or failed (the connection closed or reset with bytes missing).
 */
final class UploadWatch {

    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch ended = new CountDownLatch(1);
    final AtomicLong received = new AtomicLong();
    final AtomicReference<String> outcome = new AtomicReference<>("not ended");

    /** Installs the watching handler on the upstream. */
    static UploadWatch on(Upstream upstream) {
        UploadWatch w = new UploadWatch();
        upstream.handle(ex -> {
            byte[] buf = new byte[16 * 1024];
            try {
                for (int n; (n = ex.body().read(buf)) >= 0; ) {
                    w.received.addAndGet(n);
                    w.started.countDown();
                }
                w.outcome.set("completed with " + w.received.get() + " bytes");
                ex.respond(200, "OK", new byte[0]);
            } catch (IOException e) {
                w.outcome.set("failed after " + w.received.get() + " bytes: " + e);
                ex.closeAfter();
            } finally {
                w.started.countDown();
                w.ended.countDown();
            }
        });
        return w;
    }

    void awaitStarted(Duration timeout) {
        Await.latch(started, timeout, "the upload's first bytes reaching the upstream", outcome::get);
    }

    String awaitEnd(Duration timeout) {
        Await.latch(ended, timeout, "the upstream seeing the upload end", () -> received.get() + " bytes so far");
        return outcome.get();
    }

    boolean ended() {
        return ended.getCount() == 0;
    }
}
