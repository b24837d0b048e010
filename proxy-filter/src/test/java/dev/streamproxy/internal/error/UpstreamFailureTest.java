package dev.streamproxy.internal.error;

import dev.streamproxy.internal.client.Endpoint;
import dev.streamproxy.internal.client.PoolTimeoutException;
import dev.streamproxy.internal.client.UpstreamConnectException;
import dev.streamproxy.internal.client.UpstreamIOException;
import org.apache.hc.core5.http.ConnectionClosedException;
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

    private static final Endpoint UPSTREAM = new Endpoint("http", "10.0.0.5", 9000, null);

    private static UpstreamConnectException connect(Throwable cause) {
        return new UpstreamConnectException(UPSTREAM, "x", cause);
    }

    private static UpstreamIOException exchange(Throwable cause) {
        return new UpstreamIOException(UPSTREAM, false, cause);
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(connect(new ConnectException("Connection refused")), 502),
                Arguments.of(connect(new UnknownHostException("upstream.invalid")), 502),
                Arguments.of(connect(new SSLHandshakeException("PKIX path building failed")), 502),
                Arguments.of(connect(new SocketTimeoutException("Connect timed out")), 504),
                Arguments.of(exchange(new SocketTimeoutException("Read timed out")), 504),
                Arguments.of(exchange(new NoHttpResponseException("10.0.0.5:9000 failed to respond")), 502),
                Arguments.of(exchange(new ProtocolException("Invalid status line")), 502),
                Arguments.of(exchange(new SocketException("Connection reset")), 502),
                Arguments.of(new ConnectException("Connection refused"), 502),
                Arguments.of(new NoRouteToHostException("no route"), 502),
                Arguments.of(new UnknownHostException("upstream.invalid"), 502),
                Arguments.of(new SSLHandshakeException("PKIX path building failed"), 502),
                Arguments.of(new SSLException("bad record MAC"), 502),
                Arguments.of(new SocketTimeoutException("Read timed out"), 504),
                Arguments.of(new PoolTimeoutException("no free connection within 2000 MILLISECONDS", null), 503),
                Arguments.of(new PoolTimeoutException("connection pool is closed", null), 503),
                Arguments.of(new NoHttpResponseException("10.0.0.5:9000 failed to respond"), 502),
                Arguments.of(new ConnectionClosedException("Premature end of Content-Length delimited message"), 502),
                Arguments.of(new MalformedChunkCodingException("Bad chunk header"), 502),
                Arguments.of(new SocketException("Connection reset"), 502),
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
                UpstreamFailure.classify(connect(new SocketTimeoutException("Connect timed out"))));
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
