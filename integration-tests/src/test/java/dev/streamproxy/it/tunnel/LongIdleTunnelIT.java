package dev.streamproxy.it.tunnel;

import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.support.log.RecordedLogs;
import org.junit.jupiter.api.Timeout;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A tunnel idle for longer than the containers' own timers still works: Jetty's async timeout (30 s, which the
 * filter turns off) and its connector's idle timeout (30 s, which fails the pending read with a transient timeout
 * the filter reads on through); Tomcat gives upgraded connections no timeout. 45 s of silence each way, so this runs
 * on one host per container (Jetty ee10 and Tomcat 11 share their timers with ee11 and 10.1).
 */
class LongIdleTunnelIT {

    /** Longer than Jetty's 30 s defaults, with a margin for a slow machine. */
    private static final Duration IDLE = Duration.ofSeconds(45);
    private static final Duration WAIT = WsClient.WAIT;

    @TunnelTest
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aTunnelIdleForLongerThanTheContainersTimeoutsStillCarriesMessagesBothWays(TunnelApp app, HostKind kind)
            throws Exception {
        assumeTrue(kind == HostKind.JETTY_EE10 || kind == HostKind.TOMCAT_11,
                "45 s of idleness per run: Jetty ee10 and Tomcat 11 stand for their containers");
        RecordedLogs.clear();
        try (WsClient client = WsClient.connect(app.wsUri("/ctx/ws/long-idle"))) {
            WsUpstream.Peer peer = app.ws().takeOpened(WAIT);
            client.sendText("before");
            assertEquals("before", peer.takeMessage(WAIT));
            assertEquals("before", client.takeMessage());

            assertNull(client.pollEnd(IDLE), "the tunnel ended while idle");

            assertFalse(peer.isClosed(), "the upstream's connection ended while idle");
            client.sendText("after");
            assertEquals("after", peer.takeMessage(WAIT), "client to upstream after the idle time");
            assertEquals("after", client.takeMessage());
            peer.send("pushed");
            assertEquals("pushed", client.takeMessage(), "upstream to client after the idle time");
            if (kind.isJetty()) {
                // the proof that the idle time crossed Jetty's idle timeout, and that the tunnel read on through it
                assertFalse(RecordedLogs.events(Level.DEBUG, "dev.streamproxy.internal.tunnel.Tunnel",
                        "the container's idle timeout failed a read from the client: reading on").isEmpty(),
                        "Jetty's idle timeout never failed the tunnel's read");
            }
        }
    }
}
