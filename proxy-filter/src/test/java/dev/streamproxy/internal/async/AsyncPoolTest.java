package dev.streamproxy.internal.async;

import dev.streamproxy.internal.client.Endpoint;
import dev.streamproxy.internal.client.PoolTimeoutException;
import dev.streamproxy.internal.client.UpstreamConnectException;
import org.apache.hc.core5.http.impl.bootstrap.AsyncRequesterBootstrap;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncRequester;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsyncPoolTest {

    private HttpAsyncRequester reactor;
    private ServerSocket upstream;

    @BeforeEach
    void start() throws IOException {
        reactor = AsyncRequesterBootstrap.bootstrap()
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build()).create();
        reactor.start();
        upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws Exception {
        upstream.close();
        reactor.close(CloseMode.IMMEDIATE);
        reactor.awaitShutdown(TimeValue.ofSeconds(5));
    }

    @Test
    void aLeaseOpensAConnectionThatGoesBackAsIdleWhenReusable() throws Exception {
        AsyncPool pool = pool(2, address -> null);
        Endpoint endpoint = local(upstream.getLocalPort());

        AsyncPool.Lease lease = lease(pool, endpoint).get(5, TimeUnit.SECONDS);
        assertFalse(lease.reused());
        assertTrue(lease.session().isOpen());
        assertEquals(1, pool.statistics(endpoint).leased());

        pool.release(lease, true, TimeValue.ofSeconds(30));
        assertEquals(0, pool.statistics(endpoint).leased());
        assertEquals(1, pool.statistics(endpoint).available());

        AsyncPool.Lease again = lease(pool, endpoint).get(5, TimeUnit.SECONDS);
        assertTrue(again.reused(), "the idle connection was not the one leased next");
        pool.release(again, false, TimeValue.ZERO_MILLISECONDS);
        assertEquals(0, pool.statistics(endpoint).available(), "a connection given back as not reusable stayed");
        pool.close();
    }

    @Test
    void aLeaseOnAFullPoolFailsAsAPoolTimeoutOnceItsWaitHasPassed() throws Exception {
        AsyncPool pool = pool(1, address -> null);
        Endpoint endpoint = local(upstream.getLocalPort());
        AsyncPool.Lease held = lease(pool, endpoint).get(5, TimeUnit.SECONDS);

        CompletableFuture<AsyncPool.Lease> waiting = lease(pool, endpoint);
        assertEquals(1, pool.statistics(endpoint).pending());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!waiting.isDone() && System.nanoTime() < deadline) {
            pool.maintain(); // what the route's sweep does: a lease past its wait is failed there
            Thread.onSpinWait();
        }

        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> waiting.get(1, TimeUnit.SECONDS));
        assertInstanceOf(PoolTimeoutException.class, e.getCause());
        assertEquals(0, pool.statistics(endpoint).pending());
        pool.release(held, false, TimeValue.ZERO_MILLISECONDS);
        pool.close();
    }

    @Test
    void aPortWhereNothingListensFailsAsAConnectFailureAndFreesItsSlot() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        AsyncPool pool = pool(1, address -> null);
        Endpoint endpoint = local(dead);

        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> lease(pool, endpoint).get(5, TimeUnit.SECONDS));
        assertInstanceOf(UpstreamConnectException.class, e.getCause());
        assertEquals(0, pool.statistics(endpoint).leased(), "the failed connect kept its slot");
        pool.close();
    }

    @Test
    void anEndpointWithoutAnAddressIsResolvedByTheRoutesResolver() throws Exception {
        List<String> asked = new ArrayList<>();
        AsyncPool pool = pool(1, host -> {
            asked.add(host);
            return new InetAddress[] {InetAddress.getLoopbackAddress()};
        });
        Endpoint named = new Endpoint("http", "workers.streamproxy.invalid", upstream.getLocalPort(), null);

        AsyncPool.Lease lease = lease(pool, named).get(5, TimeUnit.SECONDS);
        assertTrue(lease.session().isOpen());
        assertEquals(List.of("workers.streamproxy.invalid"), asked);
        pool.release(lease, false, TimeValue.ZERO_MILLISECONDS);
        pool.close();
    }

    private AsyncPool pool(int max, dev.streamproxy.HostResolver resolver) {
        return new AsyncPool(reactor, resolver, max, Timeout.ofMilliseconds(200), Timeout.ofSeconds(2));
    }

    private static Endpoint local(int port) {
        return new Endpoint("http", "127.0.0.1", port, InetAddress.getLoopbackAddress());
    }

    private static CompletableFuture<AsyncPool.Lease> lease(AsyncPool pool, Endpoint endpoint) {
        CompletableFuture<AsyncPool.Lease> f = new CompletableFuture<>();
        pool.lease(endpoint, new AsyncPool.Leased() {
            @Override
            public void leased(AsyncPool.Lease lease) {
                f.complete(lease);
            }

            @Override
            public void failed(IOException failure) {
                f.completeExceptionally(failure);
            }
        });
        return f;
    }
}
