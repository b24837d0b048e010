package dev.streamproxy.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which requests the non-blocking exchange takes: event streams, and of those not the ones it cannot carry yet. */
class AsyncExchangeTest {

    private static final long NO_LIMIT = -1;

    @Test
    void aRequestThatAcceptsAnEventStreamRunsWithoutAThread() {
        assertTrue(AsyncExchange.eligible(TestRequests.request().header("Accept", "text/event-stream").build(),
                false, NO_LIMIT));
        assertTrue(AsyncExchange.eligible(TestRequests.request()
                .header("Accept", "application/json, Text/Event-Stream;q=0.9").build(), false, NO_LIMIT));
    }

    @Test
    void aChatCompletionPostWithAJsonBodyThatAcceptsAnEventStreamRunsWithoutAThread() {
        assertTrue(AsyncExchange.eligible(TestRequests.request().method("POST")
                .header("Accept", "text/event-stream").contentType("application/json").contentLength(120)
                .body(new byte[120]).build(), false, NO_LIMIT));
    }

    @Test
    void aBulkTransferStaysOnTheBlockingExchange() {
        assertFalse(AsyncExchange.eligible(TestRequests.request().build(), false, NO_LIMIT));
        assertFalse(AsyncExchange.eligible(TestRequests.request().header("Accept", "*/*").build(), false, NO_LIMIT));
    }

    @Test
    void whatItCannotCarryYetStaysOnTheBlockingExchange() {
        var upgrade = TestRequests.request().header("Accept", "text/event-stream").build();
        assertFalse(AsyncExchange.eligible(upgrade, true, NO_LIMIT), "an upgrade");
        assertFalse(AsyncExchange.eligible(TestRequests.request().method("POST")
                .header("Accept", "text/event-stream").header("Expect", "100-continue").contentLength(10)
                .body(new byte[10]).build(), false, NO_LIMIT), "a body waiting for 100 Continue");
        assertFalse(AsyncExchange.eligible(TestRequests.request().method("POST")
                .header("Accept", "text/event-stream").contentType("application/x-www-form-urlencoded")
                .contentLength(3).body("a=b".getBytes()).build(), false, NO_LIMIT), "a form");
        assertFalse(AsyncExchange.eligible(TestRequests.request().method("POST")
                .header("Accept", "text/event-stream").contentLength(2000).body(new byte[2000]).build(), false, 1000),
                "a body declared over maxRequestBodySize");
    }
}
