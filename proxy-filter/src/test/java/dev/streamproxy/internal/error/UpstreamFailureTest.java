package dev.streamproxy.internal.error;

import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.MalformedChunkCodingException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpstreamFailureTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new HttpHostConnectException("Connect to http://10.0.0.5:9000 failed: Connection refused"), 502),
                Arguments.of(new ConnectException("Connection refused"), 502),
                Arguments.of(new NoRouteToHostException("no route"), 502),
                Arguments.of(new UnknownHostException("upstream.invalid"), 502),
                Arguments.of(new SSLHandshakeException("PKIX path building failed"), 502),
                Arguments.of(new SSLException("bad record MAC"), 502),
                Arguments.of(new ConnectTimeoutException("Connect to 10.0.0.5:9000 timed out"), 504),
                Arguments.of(new SocketTimeoutException("Read timed out"), 504),
                Arguments.of(new ConnectionRequestTimeoutException("Timeout deadline: 2000 MILLISECONDS"), 503),
                Arguments.of(new IllegalStateException("Connection pool shut down"), 503),
                Arguments.of(new NoHttpResponseException("10.0.0.5:9000 failed to respond"), 502),
                Arguments.of(new ConnectionClosedException("Premature end of Content-Length delimited message"), 502),
                Arguments.of(new MalformedChunkCodingException("Bad chunk header"), 502),
                Arguments.of(new SocketException("Connection reset"), 502),
                Arguments.of(new ClientProtocolException(new ProtocolException("Invalid status line")), 502),
                Arguments.of(new IOException("something else"), 502),
                Arguments.of(new RuntimeException("unexpected"), 502),
                Arguments.of(new ClientGoneException("client sent 3 of 10 body bytes", null), 400),
                Arguments.of(new RequestTooLargeException(1024), 413),
                Arguments.of(new BodyUnavailableException(new IllegalStateException("getReader() called")), 500));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("failures")
    void classifiesEachFailureToItsStatus(Throwable failure, int status) {
        assertEquals(status, UpstreamFailure.classify(failure).status());
    }

    @Test
    void connectTimeoutIsATimeoutNotARefusal() {
        assertEquals(UpstreamFailure.GATEWAY_TIMEOUT,
                UpstreamFailure.classify(new ConnectTimeoutException("timed out")));
    }

    @ParameterizedTest
    @EnumSource(UpstreamFailure.class)
    void bodiesAreShortTextStartingWithTheStatusAndHoldNoStackTraceOrHost(UpstreamFailure failure) {
        String body = failure.body();
        assertTrue(body.startsWith(failure.status() + " "), body);
        assertTrue(body.endsWith("\n"), body);
        assertTrue(body.length() < 200, body);
        assertFalse(body.contains("Exception"), body);
        assertFalse(body.contains("\tat "), body);
        assertFalse(body.contains("10.0.0.5"), body);
        assertEquals(1, body.lines().count(), body);
    }

    @Test
    void noClassificationIsAServerError500ExceptTheDeploymentMistake() {
        for (UpstreamFailure f : UpstreamFailure.values()) {
            if (f != UpstreamFailure.BODY_UNAVAILABLE) {
                assertTrue(f.status() != 500, f.name());
            }
        }
    }
}
