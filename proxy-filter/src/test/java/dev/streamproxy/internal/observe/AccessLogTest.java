package dev.streamproxy.internal.observe;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessLogTest {

    private static ExchangeRecord ended(String path) {
        ExchangeRecord r = new ExchangeRecord("4bf92f3577b34da6a3ce929d0e0e4736", "POST", path);
        r.tryStarted("10.0.0.5:9000");
        r.tryStarted("10.0.0.6:9000");
        r.responseHead();
        r.addBytesOut(5000);
        r.addBytesOut(120);
        r.end(201, ExchangeRecord.Outcome.OK, 2048);
        return r;
    }

    @Test
    void oneLineOfKeyValuePairsInAFixedOrder() {
        String line = new AccessLog("api").line(ended("/api/items"));
        assertTrue(line.matches("route=api id=4bf92f3577b34da6a3ce929d0e0e4736 method=POST path=/api/items "
                + "status=201 in=2048 out=5120 ms=\\d+\\.\\d ttfb_ms=\\d+\\.\\d target=10\\.0\\.0\\.6:9000 tries=2 "
                + "outcome=ok"), line);
    }

    @Test
    void aRefusedExchangeHasNoTargetNoTriesAndNoUpstreamTime() {
        ExchangeRecord r = new ExchangeRecord("x", "TRACE", "/api");
        r.end(405, ExchangeRecord.Outcome.REFUSED, 0);
        String line = new AccessLog("api").line(r);
        assertTrue(line.endsWith("ttfb_ms=- target=- tries=0 outcome=refused"), line);
    }

    @Test
    void noValueCanEndTheLineOrAddAField() {
        String line = new AccessLog("api").line(ended("/api/a b\r\nstatus=200 fake=1\u00e9"));
        assertFalse(line.contains("\r") || line.contains("\n"), line);
        assertTrue(line.contains("path=/api/a%20b%0D%0Astatus=200%20fake=1%E9 "), line);
        assertEquals(12, line.split(" ").length, line);
    }

    @Test
    void outcomesAreLowerCaseAndDashed() {
        assertEquals("client-gone", ExchangeRecord.Outcome.CLIENT_GONE.tag());
        assertEquals("upstream-error", ExchangeRecord.Outcome.UPSTREAM_ERROR.tag());
    }
}
