package dev.streamproxy.internal.client;

import org.apache.hc.core5.http.config.Http1Config;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectorTest {

    @Test
    void anEndpointWithoutAnAddressIsResolvedByTheRoutesResolverNotTheJvms() throws Exception {
        List<String> asked = new ArrayList<>();
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Connector connector = new Connector(Duration.ofSeconds(2), Duration.ofSeconds(2), null,
                    Http1Config.DEFAULT, host -> {
                        asked.add(host);
                        return new InetAddress[] {InetAddress.getLoopbackAddress()};
                    });
            // a name no DNS knows: only the route's resolver can turn it into the upstream's address
            Endpoint named = new Endpoint("http", "workers.streamproxy.invalid", upstream.getLocalPort(), null);

            try (UpstreamConnection c = connector.open(named)) {
                assertEquals(upstream.getLocalPort(), c.applicationSocket().getPort());
            }
            assertEquals(List.of("workers.streamproxy.invalid"), asked);
        }
    }

    @Test
    void aNameTheResolverDoesNotKnowFailsAsAnUnknownHost() {
        Connector connector = new Connector(Duration.ofSeconds(2), Duration.ofSeconds(2), null, Http1Config.DEFAULT,
                host -> {
                    throw new UnknownHostException(host);
                });
        UpstreamConnectException e = assertThrows(UpstreamConnectException.class,
                () -> connector.open(new Endpoint("http", "nowhere.invalid", 80, null)));
        assertTrue(e.getMessage().contains("unknown host"), e.getMessage());
    }
}
