package dev.streamproxy.internal.error;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mockito.InOrder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

class ErrorResponsesTest {

    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    private HttpServletResponse response(boolean committed) throws IOException {
        HttpServletResponse r = mock(HttpServletResponse.class);
        when(r.isCommitted()).thenReturn(committed);
        when(r.getOutputStream()).thenReturn(new ServletOutputStream() {
            @Override
            public void write(int b) {
                written.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException();
            }
        });
        return r;
    }

    @Test
    void writesNothingToACommittedResponseAndSaysSo() throws IOException {
        HttpServletResponse r = response(true);
        assertFalse(ErrorResponses.send(r, 502, "502 Bad Gateway\n"));
        verify(r).isCommitted();
        verifyNoMoreInteractions(r);
        assertEquals(0, written.size());
    }

    @Test
    void replacesWhateverWasStagedWithAShortPlainTextAnswer() throws IOException {
        HttpServletResponse r = response(false);
        assertTrue(ErrorResponses.send(r, 502, "502 Bad Gateway\n"));
        InOrder order = inOrder(r);
        order.verify(r).reset();
        order.verify(r).setStatus(502);
        order.verify(r).setContentType("text/plain;charset=UTF-8");
        order.verify(r).setContentLength(16);
        order.verify(r).getOutputStream();
        verify(r).setHeader("Cache-Control", "no-store");
        verify(r, never()).setHeader(eq("Retry-After"), anyString());
        verify(r, never()).setHeader(eq("Allow"), anyString());
        assertEquals("502 Bad Gateway\n", written.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unavailableCarriesRetryAfter() throws IOException {
        HttpServletResponse r = response(false);
        ErrorResponses.send(r, UpstreamFailure.POOL_EXHAUSTED);
        verify(r).setStatus(503);
        verify(r).setHeader("Retry-After", "1");
    }

    @Test
    void methodNotAllowedListsTheProxiedMethodsWithoutTraceOrConnect() throws IOException {
        HttpServletResponse r = response(false);
        ErrorResponses.send(r, 405, "405 Method Not Allowed\n");
        verify(r).setStatus(405);
        verify(r).setHeader("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    }

    @ParameterizedTest
    @EnumSource(UpstreamFailure.class)
    void sendsEachClassifiedFailureWithItsStatusAndBodyAndNoStackTrace(UpstreamFailure failure) throws IOException {
        HttpServletResponse r = response(false);
        assertTrue(ErrorResponses.send(r, failure));
        verify(r).setStatus(failure.status());
        String body = written.toString(StandardCharsets.UTF_8);
        assertEquals(failure.body(), body);
        assertFalse(body.contains("Exception"), body);
        assertFalse(body.contains("\tat "), body);
        verify(r).setContentLength(body.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aClientThatIsGoneWhileTheAnswerIsWrittenIsNotAnError() throws IOException {
        HttpServletResponse r = mock(HttpServletResponse.class);
        when(r.getOutputStream()).thenThrow(new IOException("Broken pipe"));
        assertTrue(ErrorResponses.send(r, 504, "504 Gateway Timeout\n"));
    }

    @Test
    void aResponseThatCommitsUnderUsIsNotAnErrorEither() throws IOException {
        HttpServletResponse r = mock(HttpServletResponse.class);
        org.mockito.Mockito.doThrow(new IllegalStateException("Committed")).when(r).reset();
        assertTrue(ErrorResponses.send(r, 502, "502 Bad Gateway\n"));
    }
}
