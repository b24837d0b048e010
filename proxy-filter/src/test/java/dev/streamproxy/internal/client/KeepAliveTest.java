package dev.streamproxy.internal.client;

import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KeepAliveTest {

    @ParameterizedTest(name = "Keep-Alive: ''{0}'' with idleTimeout {1} ms -> {2} ms")
    @CsvSource(delimiter = '|', value = {
        "           | 90000 | 90000",
        "timeout=5  | 90000 | 3750",
        "timeout=5, max=100 | 90000 | 3750",
        "max=100, timeout=60 | 30000 | 30000",
        "timeout=1  | 90000 | 750",
        "timeout=x  | 90000 | 90000"})
    void theUpstreamsTimeoutWinsWhenShorterWithAQuarterToSpare(String header, long idle, long expected) {
        BasicHttpResponse response = new BasicHttpResponse(200);
        if (header != null) {
            response.addHeader("Keep-Alive", header);
        }
        assertEquals(expected, KeepAlive.millis(response, idle));
    }
}
