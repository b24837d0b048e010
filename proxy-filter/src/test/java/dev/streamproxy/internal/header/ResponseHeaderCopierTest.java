package dev.streamproxy.internal.header;

import dev.streamproxy.internal.TestRequests;
import dev.streamproxy.internal.route.UpstreamTarget;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.InOrder;

import java.net.URI;

import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;

class ResponseHeaderCopierTest {

    private static final HttpServletRequest CLIENT = TestRequests.request()
            .scheme("https").contextPath("/ctx").header("Host", "proxy.example").build();
    private static final RedirectRewriter REWRITER =
            new RedirectRewriter(new UpstreamTarget(URI.create("http://10.0.0.5:9000/svc")), "/api");

    private static BasicClassicHttpResponse upstream(String... namesAndValues) {
        BasicClassicHttpResponse r = new BasicClassicHttpResponse(200);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            r.addHeader(namesAndValues[i], namesAndValues[i + 1]);
        }
        return r;
    }

    private static HttpServletResponse copy(RedirectRewriter rewriter, BasicClassicHttpResponse from) {
        HttpServletResponse to = mock(HttpServletResponse.class);
        new ResponseHeaderCopier(rewriter).copy(from, CLIENT, to);
        return to;
    }

    @Test
    void firstValueReplacesThenLaterValuesAreAddedInOrder() {
        HttpServletResponse to = copy(null, upstream(
                "Set-Cookie", "a=1",
                "Content-Type", "text/plain",
                "Set-Cookie", "b=2",
                "set-cookie", "c=3",
                "Server", "upstream"));
        InOrder order = inOrder(to);
        order.verify(to).setHeader("Set-Cookie", "a=1");
        order.verify(to).setHeader("Content-Type", "text/plain");
        order.verify(to).addHeader("Set-Cookie", "b=2");
        order.verify(to).addHeader("set-cookie", "c=3");
        order.verify(to).setHeader("Server", "upstream");
        verifyNoMoreInteractions(to);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
            "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "transfer-encoding"})
    void dropsHopByHopHeaders(String name) {
        HttpServletResponse to = copy(null, upstream(name, "x", "ETag", "\"1\""));
        verify(to).setHeader("ETag", "\"1\"");
        verifyNoMoreInteractions(to);
    }

    @Test
    void dropsHeadersNamedInTheUpstreamsConnectionHeaders() {
        HttpServletResponse to = copy(null, upstream(
                "Connection", "close, X-Internal",
                "Connection", "",
                "connection", "x-debug ,",
                "X-Internal", "secret",
                "X-Debug", "trace",
                "X-Public", "ok"));
        verify(to).setHeader("X-Public", "ok");
        verifyNoMoreInteractions(to);
    }

    @Test
    void neverCopiesContentLength() {
        HttpServletResponse to = copy(null, upstream("Content-Length", "10", "content-length", "10",
                "Transfer-Encoding", "chunked"));
        verify(to, never()).setHeader(eq("Content-Length"), anyString());
        verify(to, never()).addHeader(eq("content-length"), anyString());
        verifyNoMoreInteractions(to);
    }

    @Test
    void rewritesLocationAndContentLocationWhenEnabled() {
        HttpServletResponse to = copy(REWRITER, upstream(
                "Location", "http://10.0.0.5:9000/svc/next?x=1",
                "Content-Location", "/svc/doc",
                "Link", "</svc/doc>; rel=self"));
        verify(to).setHeader("Location", "https://proxy.example/ctx/api/next?x=1");
        verify(to).setHeader("Content-Location", "/ctx/api/doc");
        verify(to).setHeader("Link", "</svc/doc>; rel=self");
        verifyNoMoreInteractions(to);
    }

    @Test
    void passesLocationThroughWhenRewritingIsDisabled() {
        HttpServletResponse to = copy(null, upstream(
                "Location", "http://10.0.0.5:9000/svc/next",
                "Content-Location", "/svc/doc"));
        verify(to).setHeader("Location", "http://10.0.0.5:9000/svc/next");
        verify(to).setHeader("Content-Location", "/svc/doc");
        verifyNoMoreInteractions(to);
    }

    @Test
    void leavesLocationsElsewhereAsTheUpstreamSentThem() {
        HttpServletResponse to = copy(REWRITER, upstream("Location", "https://login.example/sso?r=1"));
        verify(to).setHeader("Location", "https://login.example/sso?r=1");
    }

    @Test
    void copiesAnEmptyValueAsEmpty() {
        HttpServletResponse to = copy(null, upstream("X-Empty", ""));
        verify(to).setHeader("X-Empty", "");
    }
}
