package dev.streamproxy.it.upstream;

import dev.streamproxy.it.support.Upstream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * Upstream handlers the upstream suite shares: a fault for the first request only, wherever it lands, and an
 * upstream that never answers.
 */
final class Handlers {

    /** The longest {@link #neverAnswer} holds a connection; the proxy gives up far sooner. */
    private static final Duration STALL_LIMIT = Duration.ofSeconds(20);

    private Handlers() {
    }

    /**
     * For every upstream of the fleet at once: the first request to reach any of them gets {@code first}, every
     * later one {@code then}; {@code firstAt} is told the last octet of the address the first one reached. Whichever
     * target the policy picks first, the fault happens there and a retry has to go elsewhere.
     */
    static Upstream.Handler firstArrival(IntConsumer firstAt, Upstream.Handler first, Upstream.Handler then) {
        AtomicBoolean taken = new AtomicBoolean();
        return ex -> {
            if (taken.compareAndSet(false, true)) {
                firstAt.accept(lastOctet(ex));
                first.handle(ex);
            } else {
                then.handle(ex);
            }
        };
    }

    /** @return the last octet of the loopback address the exchange's connection reached: which upstream it is */
    static int lastOctet(Upstream.Exchange ex) {
        byte[] a = ex.socket().getLocalAddress().getAddress();
        return a[a.length - 1] & 0xff;
    }

    /**
     * Reads the request and never answers: holds the connection until the proxy gives up on it (EOF or reset), or
     * for at most {@code STALL_LIMIT}, then closes it.
     */
    static void neverAnswer(Upstream.Exchange ex) throws IOException {
        ex.readAndRecord();
        ex.socket().setSoTimeout((int) STALL_LIMIT.toMillis());
        try {
            while (ex.socket().getInputStream().read() >= 0) {
                // nothing more is asked of this connection: whatever comes is discarded until it ends
            }
        } catch (IOException e) {
            // reset by the proxy, or the limit: the exchange is over either way
        }
        ex.closeAfter();
    }

    /** Agrees to take the body ({@code 100 Continue}), then reads and echoes it. */
    static void continueThenEcho(Upstream.Exchange ex) throws IOException {
        ex.out().write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        ex.out().flush();
        Upstream.echo(ex);
    }
}
