package dev.streamproxy.internal.upstream;

import dev.streamproxy.ProxyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The route's background work: what one slow upstream may and may not hold up. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UpstreamsTest {

    @Test
    void aHealthCheckOfATargetThatNeverAnswersDoesNotHoldUpTheRoutesOtherBackgroundWork() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        CountDownLatch checkArrived = new CountDownLatch(1);
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never read, never answered
                        checkArrived.countDown();
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            ProxyConfig config = ProxyConfig.builder()
                    .targetUri("http://127.0.0.1:" + silent.getLocalPort())
                    .healthCheckPath("/health")
                    .healthCheckInterval(Duration.ofMillis(100))
                    .responseTimeout(Duration.ofSeconds(20))
                    .build();
            try (Upstreams upstreams = new Upstreams("test", config, null)) {
                assertTrue(checkArrived.await(10, TimeUnit.SECONDS), "no health check reached the target");
                CountDownLatch ticks = new CountDownLatch(5);
                upstreams.every(Duration.ofMillis(20), ticks::countDown);
                // the check now waits up to 20 s for an answer; the scheduler's other tasks must not wait with it
                assertTrue(ticks.await(5, TimeUnit.SECONDS), "the route's scheduler is held up by a health check");
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
