package dev.streamproxy.internal.upstream;

import dev.streamproxy.internal.upstream.RetryPolicy.Failure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The README's retry table, row by row. */
class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(2, Set.of(503));

    @ParameterizedTest(name = "{1} {0}, body replayable {2} -> {3}")
    @CsvSource({
        "NOTHING_SENT, POST, false, true",
        "NOTHING_SENT, PATCH, false, true",
        "BEFORE_AGREEMENT, POST, false, true",
        "NO_RESPONSE_HEAD, GET, true, true",
        "NO_RESPONSE_HEAD, PUT, true, true",
        "NO_RESPONSE_HEAD, DELETE, true, true",
        "NO_RESPONSE_HEAD, PUT, false, false",
        "NO_RESPONSE_HEAD, POST, true, false",
        "NO_RESPONSE_HEAD, PATCH, true, false",
        "RETRY_STATUS, GET, true, true",
        "RETRY_STATUS, POST, true, false",
        "RETRY_STATUS, PUT, false, false",
        "NOT_RETRYABLE, GET, true, false"})
    void followsTheTable(Failure failure, String method, boolean replayable, boolean retried) {
        assertEquals(retried, policy.mayRetry(method, failure, replayable, 0));
    }

    @ParameterizedTest
    @CsvSource({"0, true", "1, true", "2, false", "3, false"})
    void neverMoreThanMaxRetries(int retriesSoFar, boolean retried) {
        assertEquals(retried, policy.mayRetry("GET", Failure.NOTHING_SENT, true, retriesSoFar));
    }

    @ParameterizedTest
    @CsvSource({"503, true", "502, false", "200, false"})
    void retriesOnlyTheConfiguredStatuses(int code, boolean retried) {
        assertEquals(retried, policy.retriesStatus(code));
    }
}
