package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.RawRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Nothing listens on the target port: 502 with a short body that names no host, for every method. */
class UpstreamRefusedIT {

    @FaultTest
    void aRefusedConnectionGives502ForRequestsWithAndWithoutABody(FaultApp app) throws Exception {
        for (RawRequest request : new RawRequest[] {RawRequest.get("/ctx/dead/x"),
                RawRequest.of("POST", "/ctx/dead/x").body("payload"), RawRequest.of("HEAD", "/ctx/dead/x")}) {
            var r = app.send(request);
            assertEquals(502, r.status(), r::toString);
            assertFalse(r.text().contains("127.0.0.1") || r.text().contains("Exception"), r::text);
        }
    }
}
