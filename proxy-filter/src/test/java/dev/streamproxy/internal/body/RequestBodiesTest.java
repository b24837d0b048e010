package dev.streamproxy.internal.body;

import dev.streamproxy.internal.client.UpstreamLink;
import dev.streamproxy.internal.TestRequests;
import dev.streamproxy.internal.error.BodyUnavailableException;
import dev.streamproxy.internal.error.ClientGoneException;
import dev.streamproxy.internal.error.RequestTooLargeException;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class RequestBodiesTest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final long UNLIMITED = -1;

    private final BasicClassicHttpRequest upstream = new BasicClassicHttpRequest("POST", "/svc/x");
    private final byte[] buffer = new byte[BufferPool.BUFFER_SIZE];

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String written(HttpEntity entity) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        entity.writeTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private HttpEntity attach(HttpServletRequest client, long limit) throws IOException {
        RequestBodies.attach(client, upstream, buffer, limit, new UpstreamLink());
        return upstream.getEntity();
    }

    @Test
    void requestWithoutLengthOrTransferEncodingGetsNoEntity() throws IOException {
        HttpServletRequest client = TestRequests.request().method("GET").build();
        assertNull(attach(client, UNLIMITED));
        verify(client, never()).getInputStream();
    }

    @Test
    void declaredEmptyBodyIsForwardedWithLengthZero() throws IOException {
        HttpEntity entity = attach(TestRequests.request().method("POST").contentLength(0).build(), UNLIMITED);
        assertNotNull(entity);
        assertEquals(0, entity.getContentLength());
        assertFalse(entity.isChunked());
        assertEquals("", written(entity));
    }

    @Test
    void declaredEmptyFormBodyIsForwardedWithLengthZero() throws IOException {
        HttpEntity entity = attach(TestRequests.request().method("POST").contentType(FORM).contentLength(0)
                .parameter("fromQuery", "1").query("fromQuery=1").build(), UNLIMITED);
        assertEquals(0, entity.getContentLength());
        assertEquals("", written(entity));
    }

    @Test
    void bodyWithContentLengthIsStreamedWithThatLength() throws IOException {
        HttpEntity entity = attach(TestRequests.request().method("PUT").contentType("application/json")
                .contentLength(13).body(ascii("{\"a\":[1,2,3]}")).build(), UNLIMITED);
        assertEquals(13, entity.getContentLength());
        assertFalse(entity.isChunked());
        assertFalse(entity.isRepeatable());
        assertEquals("{\"a\":[1,2,3]}", written(entity));
    }

    @Test
    void bodyWithoutContentLengthIsStreamedChunked() throws IOException {
        HttpEntity entity = attach(TestRequests.request().method("POST").header("Transfer-Encoding", "chunked")
                .body(ascii("streamed without a length")).build(), UNLIMITED);
        assertTrue(entity.isChunked());
        assertEquals(-1, entity.getContentLength());
        assertEquals("streamed without a length", written(entity));
    }

    @Test
    void declaredLengthOverTheLimitIsRefusedBeforeTheBodyIsTouched() throws IOException {
        HttpServletRequest client = TestRequests.request().method("POST").contentLength(1025)
                .body(new byte[1025]).build();
        assertThrows(RequestTooLargeException.class, () -> attach(client, 1024));
        assertNull(upstream.getEntity());
        verify(client, never()).getInputStream();
    }

    @Test
    void declaredLengthAtTheLimitPasses() throws IOException {
        HttpEntity entity = attach(TestRequests.request().method("POST").contentLength(1024)
                .body(new byte[1024]).build(), 1024);
        assertEquals(1024, written(entity).length());
    }

    @Test
    void chunkedBodyOverTheLimitFailsWhileStreaming() throws IOException {
        HttpEntity entity = attach(TestRequests.request().method("POST").header("Transfer-Encoding", "chunked")
                .body(new byte[5000]).build(), 1000);
        assertThrows(RequestTooLargeException.class, () -> written(entity));
    }

    @Test
    void chunkedFormBodyOverTheLimitFailsToo() throws IOException {
        // the form probe reads the start of the body into the buffer; those bytes must count against the limit
        HttpEntity entity = attach(TestRequests.request().method("POST").contentType(FORM)
                .header("Transfer-Encoding", "chunked").body(ascii("a=" + "x".repeat(98))).build(), 10);
        assertThrows(RequestTooLargeException.class, () -> written(entity),
                "a 100-byte chunked form body was forwarded under maxRequestBodySize=10");
    }

    @Test
    void formBodyConsumedByAnEarlierFilterIsReencodedFromTheParametersWithoutTheQuery() throws IOException {
        HttpServletRequest client = TestRequests.request().method("POST")
                .contentType(FORM + "; charset=UTF-8").characterEncoding("UTF-8")
                .contentLength(52)
                .query("q=fromQuery&page=2")
                .parameter("q", "fromQuery", "fromBody")
                .parameter("page", "2")
                .parameter("name", "Jane Doe & co")
                .parameter("price", "5\u20ac")
                .parameter("tags", "a", "b")
                .body(new byte[0])
                .build();
        HttpEntity entity = attach(client, UNLIMITED);
        assertEquals("q=fromBody&name=Jane+Doe+%26+co&price=5%E2%82%AC&tags=a&tags=b", written(entity));
        assertEquals(entity.getContentLength(), written(entity).length());
    }

    @Test
    void formBodyStillInTheStreamIsForwardedAsSent() throws IOException {
        HttpServletRequest client = TestRequests.request().method("POST").contentType(FORM)
                .contentLength(13).body(ascii("b=2&a=1&a=%41"))
                .parameter("ignored", "because the body is still there")
                .build();
        HttpEntity entity = attach(client, UNLIMITED);
        assertEquals(13, entity.getContentLength());
        assertEquals("b=2&a=1&a=%41", written(entity));
    }

    @Test
    void chunkedFormBodyStillInTheStreamIsForwardedAsSent() throws IOException {
        HttpEntity entity = attach(TestRequests.request().method("POST").contentType(FORM)
                .header("Transfer-Encoding", "chunked").body(ascii("x=1&y=2")).build(), UNLIMITED);
        assertTrue(entity.isChunked());
        assertEquals("x=1&y=2", written(entity));
    }

    @Test
    void formBodyAwaitingOneHundredContinueIsNotReadBeforeTheUpstreamAgrees() throws IOException {
        ScriptedInputStream in = new ScriptedInputStream().chunk(ascii("a=1"), 0);
        HttpServletRequest client = TestRequests.request().method("POST").contentType(FORM).contentLength(3)
                .header("Expect", "100-continue").body(in).build();
        HttpEntity entity = attach(client, UNLIMITED);
        assertEquals(0, in.delivered());
        verify(client, never()).getInputStream();
        assertEquals("a=1", written(entity));
    }

    @Test
    void getInputStreamRefusedBecauseOfGetReaderIsBodyUnavailable() {
        IllegalStateException refused = new IllegalStateException("getReader() has already been called");
        HttpServletRequest client = TestRequests.request().method("POST").contentLength(5)
                .inputStreamFails(refused).build();
        BodyUnavailableException e = assertThrows(BodyUnavailableException.class,
                () -> written(attach(client, UNLIMITED)));
        assertSame(refused, e.getCause());
    }

    @Test
    void formWhoseStreamIsRefusedIsBodyUnavailableBeforeTheUpstreamIsContacted() {
        HttpServletRequest client = TestRequests.request().method("POST").contentType(FORM).contentLength(5)
                .inputStreamFails(new IllegalStateException("getReader() has already been called")).build();
        assertThrows(BodyUnavailableException.class, () -> attach(client, UNLIMITED));
    }

    @Test
    void nonFormBodyIsNotOpenedUntilTheUpstreamAsksForIt() throws IOException {
        HttpServletRequest client = TestRequests.request().method("POST").contentType("application/json")
                .contentLength(2).body(ascii("{}")).build();
        HttpEntity entity = attach(client, UNLIMITED);
        verify(client, never()).getInputStream();
        assertEquals("{}", written(entity));
    }

    @Test
    void clientStreamFailingWhileTheFormIsProbedIsClientGone() {
        ScriptedInputStream in = new ScriptedInputStream().fail(new IOException("Connection reset"));
        HttpServletRequest client = TestRequests.request().method("POST").contentType(FORM).contentLength(10)
                .body(in).build();
        assertThrows(ClientGoneException.class, () -> attach(client, UNLIMITED));
    }

    @Test
    void reencodedFormUsesIso88591WhenNothingNamesACharset() {
        HttpServletRequest client = TestRequests.request().parameter("name", "Jos\u00e9").build();
        assertEquals("name=Jos%E9", new String(RequestBodies.reencodeForm(client), StandardCharsets.US_ASCII));
    }

    @Test
    void formCharsetFollowsRequestThenContextThenContainerDefault() {
        ServletContext jetty = mock(ServletContext.class);
        when(jetty.getServerInfo()).thenReturn("jetty/12.1.14");
        ServletContext tomcat = mock(ServletContext.class);
        when(tomcat.getServerInfo()).thenReturn("Apache Tomcat/11.0.27");
        ServletContext configured = mock(ServletContext.class);
        when(configured.getRequestCharacterEncoding()).thenReturn("UTF-16");
        assertEquals(StandardCharsets.UTF_8, RequestBodies.formCharset(
                TestRequests.request().characterEncoding("utf-8").servletContext(tomcat).build()));
        assertEquals(StandardCharsets.UTF_16, RequestBodies.formCharset(
                TestRequests.request().servletContext(configured).build()));
        assertEquals(StandardCharsets.UTF_8, RequestBodies.formCharset(
                TestRequests.request().servletContext(jetty).build()));
        assertEquals(StandardCharsets.ISO_8859_1, RequestBodies.formCharset(
                TestRequests.request().servletContext(tomcat).build()));
        assertEquals(StandardCharsets.ISO_8859_1, RequestBodies.formCharset(
                TestRequests.request().characterEncoding("no-such-charset").build()));
    }
}
