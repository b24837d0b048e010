package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slow clients cannot starve fast ones beyond the pool limit ({@code pool} route: 4 connections,
 * connectionRequestTimeout 1s). Clients that stop reading a large download each pin one pooled connection (the
 * proxy blocks writing to them, the upstream blocks writing to the proxy), but no more: while fewer than 4 are
 * stuck, fast requests on the route are served; when all 4 are, a fast request gets a prompt 503, and other routes
 * (other pools) are not affected at all. When the slow clients leave, every connection comes back.
 */
class SlowClientsIT {

    private static final long BIG = 256L * 1024 * 1024;

    @FaultTest
    void slowClientsPinAtMostOneConnectionEachAndFastClientsKeepBeingServed(FaultApp app) throws Exception {
        app.upstream().handle(ex -> {
            RecordedRequest req = ex.readAndRecord();
            if (!req.target().endsWith("/big")) {
                ex.respond(200, "OK", "fast".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            ex.writeHead(200, "OK", "Content-Type: application/octet-stream", "Content-Length: " + BIG);
            try {
                Payload.write(ex.out(), BIG, 3, 64 * 1024);
            } catch (IOException e) {
                ex.closeAfter(); // the proxy gave up on this download
            }
        });
        List<ClientConnection> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                slow.add(startSlowDownload(app));
            }
            awaitLeased(app, 3);

            for (int i = 0; i < 20; i++) {
                RawResponse fast = app.send(RawRequest.get("/ctx/pool/fast"));
                assertEquals(200, fast.status(), "fast request " + i + " with 3 of 4 connections pinned: " + fast);
                assertEquals("fast", fast.text());
            }

            slow.add(startSlowDownload(app));
            awaitLeased(app, 4);
            RawResponse refused = app.send(RawRequest.get("/ctx/pool/fast"));
            assertEquals(503, refused.status(), "with every connection pinned: " + refused);
            assertTrue(refused.header("Retry-After") != null, refused::toString);
            RawResponse otherRoute = app.send(RawRequest.get("/ctx/api/fast"));
            assertEquals(200, otherRoute.status(), "another route's pool must not be affected: " + otherRoute);
            assertEquals(4, app.proxy("pool").poolStatistics().leased(), "slow clients pinned more than one each");
        } finally {
            for (ClientConnection c : slow) {
                c.abort();
            }
        }
    }

    /** Starts a large download, reads its head and a little of the body, then stops reading. */
    private static ClientConnection startSlowDownload(FaultApp app) throws IOException {
        ClientConnection c = app.connect();
        c.socket().setReceiveBufferSize(16 * 1024);
        c.send(RawRequest.get("/ctx/pool/big"));
        HttpHead head = c.readHead();
        assertEquals("200", head.startLine().split(" ")[1], head::toString);
        InputStream body = c.body(head, "GET");
        body.readNBytes(1024);
        return c;
    }

    private static void awaitLeased(FaultApp app, int n) {
        Await.until(Duration.ofSeconds(10), n + " connections leased by slow clients",
                () -> app.proxy("pool").poolStatistics().leased() == n, () -> app.proxy("pool").poolStatistics());
    }
}
