package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1xx informational responses before the final one (103 Early Hints, 102 Processing, an unsolicited 100): the
 * client gets the final response intact, with none of the interim heads' fields mixed in. An unsolicited
 * 101 Switching Protocols (nobody asked to upgrade) is a broken upstream: 502, never a tunnel.
 */
class InformationalResponseIT {

    @FaultTest
    void interimResponsesBeforeTheFinalOneLeaveTheFinalResponseIntact(FaultApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.out().write(("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\nX-Interim: 1\r\n\r\n"
                    + "HTTP/1.1 102 Processing\r\n\r\n"
                    + "HTTP/1.1 100 Continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            ex.out().flush();
            ex.respond(200, "OK", "final body".getBytes(StandardCharsets.US_ASCII), "Content-Type: text/plain",
                    "X-Final: 1");
        });

        List<String> interim = new ArrayList<>();
        RawResponse r;
        try (ClientConnection c = app.connect()) {
            c.send(RawRequest.get("/ctx/api/hints"));
            HttpHead head = c.readHead();
            while (head.startLine().split(" ", 3)[1].startsWith("1")) {
                interim.add(head.startLine());
                head = c.readHead();
            }
            r = new RawResponse(head, c.body(head, "GET").readAllBytes());
        }

        Findings.record(app, "1xx from upstream", "103, 102, 100 then 200", "client saw interim " + interim);
        assertAll(r.toString(),
                () -> assertEquals(200, r.status()),
                () -> assertEquals("final body", r.text()),
                () -> assertEquals("1", r.header("X-Final")),
                () -> assertNull(r.header("X-Interim"), "an interim head's field leaked into the final response"),
                () -> assertNull(r.header("Link"), "an interim head's field leaked into the final response"));
        // the pooled connection is still in step: the next request gets its own answer
        app.upstream().reset();
        RawResponse next = app.send(RawRequest.get("/ctx/api/next"));
        assertEquals(200, next.status(), next::toString);
        assertEquals("echo\n", next.text());
    }

    @FaultTest
    void anUnsolicited101SwitchingProtocolsGives502(FaultApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.out().write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: evil\r\nConnection: Upgrade\r\n\r\nraw bytes"
                    .getBytes(StandardCharsets.US_ASCII));
            ex.out().flush();
            ex.closeAfter();
        });

        ClientView v = ClientView.of(app, RawRequest.get("/ctx/api/upgrade"));

        assertTrue(v.status() == 502, "an unsolicited 101 must not be relayed: " + v);
    }
}
