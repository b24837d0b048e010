package dev.streamproxy;

import dev.streamproxy.internal.TestRequests;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

class ProxyFilterTest {

    /** A port nothing listens on is never contacted here: every request below is refused before sending. */
    private static final String TARGET = "http://127.0.0.1:9/svc";

    private ProxyFilter filter;
    private final ServletContext context = mock(ServletContext.class);
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    @AfterEach
    void destroyTheFilter() {
        if (filter != null) {
            if (filter.statistics() != null) {
                assertEquals(0, filter.poolStatistics().leased(), "a test left a connection leased");
            }
            filter.destroy();
            // poolStatistics() answers zeros without a route whatever happened: the route itself must be gone
            assertNull(filter.statistics(), "destroy() left the route in place");
        }
    }

    private FilterConfig filterConfig(String name, Map<String, String> params) {
        FilterConfig fc = mock(FilterConfig.class);
        when(fc.getFilterName()).thenReturn(name);
        when(fc.getServletContext()).thenReturn(context);
        when(fc.getInitParameterNames()).thenAnswer(inv -> Collections.enumeration(params.keySet()));
        when(fc.getInitParameter(any())).thenAnswer(inv -> params.get(inv.<String>getArgument(0)));
        return fc;
    }

    private static Map<String, String> params(String... namesAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    private ProxyFilter initialised(String prefix) throws ServletException {
        filter = new ProxyFilter();
        filter.init(filterConfig("api", params("targetUri", TARGET, "prefix", prefix)));
        return filter;
    }

    private HttpServletResponse response() throws IOException {
        HttpServletResponse r = mock(HttpServletResponse.class);
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

    @ParameterizedTest
    @CsvSource({
            "targetUri, ftp://127.0.0.1/svc",
            "prefix, api",
            "maxConnections, 0",
            "connectTimeout, 5",
            "preserveHost, yes",
            "forwardedHeaders, sometimes",
            "trustedProxies, proxy.internal",
            "maxRequestBodySize, lots",
            "maxRequestHeaders, 0",
            "allowUnderscoreHeaders, maybe",
            "trustStore, /nonexistent/trust.p12",
            "keyStoreType, PEM",
            "tlsProtocols, SSLv9"})
    void badInitParamFailsInitWithAServletExceptionNamingTheParameterAndValue(String name, String value) {
        filter = new ProxyFilter();
        Map<String, String> p = params("targetUri", TARGET);
        p.put(name, value);
        ServletException e = assertThrows(ServletException.class, () -> filter.init(filterConfig("api", p)));
        assertTrue(e.getMessage().startsWith("[api] "), e.getMessage());
        assertTrue(e.getMessage().contains(name), e.getMessage());
        assertTrue(e.getMessage().contains("'" + value + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("expected"), e.getMessage());
        assertNull(filter.config());
        verify(context, never()).setAttribute(any(), any());
    }

    @Test
    void unknownInitParamFailsInitNamingIt() {
        filter = new ProxyFilter();
        ServletException e = assertThrows(ServletException.class,
                () -> filter.init(filterConfig("api", params("targetUri", TARGET, "targetURL", "x"))));
        assertTrue(e.getMessage().contains("'targetURL'"), e.getMessage());
    }

    @Test
    void missingTargetUriFailsInit() {
        filter = new ProxyFilter();
        ServletException e = assertThrows(ServletException.class,
                () -> filter.init(filterConfig("api", params("prefix", "/api"))));
        assertTrue(e.getMessage().contains("targetUri"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:99999/svc", "http://127.0.0.1:65536/"})
    void targetPortOutOfRangeFailsInitWithAServletExceptionNamingTargetUri(String target) {
        filter = new ProxyFilter();
        Throwable e = assertThrows(Throwable.class,
                () -> filter.init(filterConfig("api", params("targetUri", target))));
        assertTrue(e instanceof ServletException, () -> "init threw " + e);
        assertTrue(e.getMessage().contains("targetUri"), e.getMessage());
    }

    @Test
    void durationTooLargeForTheClientFailsInitWithAServletExceptionNamingIt() {
        filter = new ProxyFilter();
        Throwable e = assertThrows(Throwable.class, () -> filter.init(filterConfig("api",
                params("targetUri", TARGET, "responseTimeout", "PT99999999999999H"))));
        assertTrue(e instanceof ServletException, () -> "init threw " + e);
        assertTrue(e.getMessage().contains("responseTimeout"), e.getMessage());
    }

    @Test
    void requestOutsideThePrefixGoesDownTheChainUntouched() throws Exception {
        initialised("/api");
        HttpServletRequest request = TestRequests.request().contextPath("/ctx").uri("/ctx/apix/users")
                .servletPath("/apix/users").build();
        HttpServletResponse response = mock(HttpServletResponse.class);
        FilterChain chain = mock(FilterChain.class);
        filter.doFilter(request, response, chain);
        verify(chain).doFilter(request, response);
        verifyNoInteractions(response);
    }

    @Test
    void nonHttpRequestGoesDownTheChain() throws Exception {
        initialised("");
        ServletRequest request = mock(ServletRequest.class);
        ServletResponse response = mock(ServletResponse.class);
        FilterChain chain = mock(FilterChain.class);
        filter.doFilter(request, response, chain);
        verify(chain).doFilter(request, response);
        verifyNoInteractions(response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TRACE", "CONNECT"})
    void traceAndConnectUnderThePrefixGet405WithoutReachingTheChainOrTheUpstream(String method) throws Exception {
        initialised("/api");
        HttpServletRequest request = TestRequests.request().method(method).contextPath("/ctx")
                .uri("/ctx/api/users").build();
        HttpServletResponse response = response();
        FilterChain chain = mock(FilterChain.class);
        filter.doFilter(request, response, chain);
        verifyNoInteractions(chain);
        verify(response).setStatus(405);
        verify(response).setHeader("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
        assertEquals(new PoolStatistics(0, 0, 0, 256), filter.poolStatistics());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ctx/api/../admin", "/ctx/api/%2e%2e/admin", "/ctx/api/a%00b", "/ctx/api;x=1/users"})
    void ambiguousPathUnderThePrefixGets400WithoutReachingTheUpstream(String uri) throws Exception {
        initialised("/api");
        HttpServletRequest request = TestRequests.request().contextPath("/ctx").uri(uri).servletPath("/api/users")
                .build();
        HttpServletResponse response = response();
        FilterChain chain = mock(FilterChain.class);
        filter.doFilter(request, response, chain);
        verifyNoInteractions(chain);
        verify(response).setStatus(400);
        String body = written.toString(StandardCharsets.UTF_8);
        assertTrue(body.startsWith("400 "), body);
        assertTrue(!body.contains("127.0.0.1") && !body.contains("Exception"), body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip, chunked", "gzip", "identity", "chunked, chunked"})
    void aRequestTransferEncodingOtherThanChunkedGets501WithoutReachingTheUpstream(String coding) throws Exception {
        initialised("/api");
        HttpServletResponse response = response();
        FilterChain chain = mock(FilterChain.class);
        filter.doFilter(TestRequests.request().method("POST").uri("/api/x").header("Transfer-Encoding", coding)
                .build(), response, chain);
        verify(response).setStatus(501);
        assertTrue(written.toString(StandardCharsets.UTF_8).startsWith("501 "), written::toString);
        verifyNoInteractions(chain);
        assertEquals(0, filter.poolStatistics().leased() + filter.poolStatistics().available());
    }

    @Test
    void moreHeaderLinesThanMaxRequestHeadersGet431WithoutReachingTheUpstream() throws Exception {
        filter = new ProxyFilter();
        filter.init(filterConfig("api", params("targetUri", TARGET, "prefix", "/api", "maxRequestHeaders", "3")));
        HttpServletResponse response = response();
        filter.doFilter(TestRequests.request().uri("/api/x").header("A", "1").header("A", "2").header("B", "3")
                .header("C", "4").build(), response, mock(FilterChain.class));
        verify(response).setStatus(431);
        assertTrue(written.toString(StandardCharsets.UTF_8).startsWith("431 "), written::toString);
        assertEquals(0, filter.poolStatistics().available(), "no connection was made");
    }

    @Test
    void registersItsMBeanAtInitAndRemovesItAtDestroy() throws Exception {
        when(context.getContextPath()).thenReturn("/shop");
        javax.management.ObjectName name =
                new javax.management.ObjectName("dev.streamproxy:type=Route,context=/shop,name=api");
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        initialised("/api");
        assertTrue(server.isRegistered(name));
        filter.doFilter(TestRequests.request().method("TRACE").uri("/api/x").build(), response(),
                mock(FilterChain.class));
        assertEquals(1L, server.getAttribute(name, "Refused"));
        filter.destroy();
        assertTrue(!server.isRegistered(name), "a stale MBean after destroy()");
    }

    @Test
    void jmxFalseRegistersNothing() throws Exception {
        when(context.getContextPath()).thenReturn("/nojmx");
        filter = new ProxyFilter();
        filter.init(filterConfig("api", params("targetUri", TARGET, "jmx", "false")));
        assertTrue(java.lang.management.ManagementFactory.getPlatformMBeanServer().queryNames(
                new javax.management.ObjectName("dev.streamproxy:context=/nojmx,*"), null).isEmpty());
    }

    @Test
    void theRequestIdComesBackEvenOnARefusal() throws Exception {
        initialised("/api");
        HttpServletResponse response = response();
        filter.doFilter(TestRequests.request().method("TRACE").uri("/api/x").header("X-Request-Id", "abc-123")
                .build(), response, mock(FilterChain.class));
        verify(response).setHeader("X-Request-Id", "abc-123");
        HttpServletResponse second = response();
        filter.doFilter(TestRequests.request().method("TRACE").uri("/api/x").header("X-Request-Id", "a\r\nb")
                .build(), second, mock(FilterChain.class));
        verify(second).setHeader(org.mockito.ArgumentMatchers.eq("X-Request-Id"),
                org.mockito.ArgumentMatchers.matches("[0-9a-f]{32}"));
    }

    @Test
    void poolStatisticsAreZeroBeforeInit() {
        filter = new ProxyFilter();
        assertEquals(new PoolStatistics(0, 0, 0, 0), filter.poolStatistics());
        assertNull(filter.config());
    }

    @Test
    void poolStatisticsReportTheConfiguredMaximumAfterInit() throws ServletException {
        filter = new ProxyFilter(ProxyConfig.builder().targetUri(TARGET).maxConnections(7).build());
        filter.init(filterConfig("api", params()));
        assertEquals(new PoolStatistics(0, 0, 0, 7), filter.poolStatistics());
    }

    @Test
    void destroyIsIdempotentAndSafeBeforeInit() throws ServletException {
        ProxyFilter neverInitialised = new ProxyFilter();
        assertDoesNotThrow(neverInitialised::destroy);
        initialised("/api");
        assertDoesNotThrow(filter::destroy);
        assertDoesNotThrow(filter::destroy);
        assertNull(filter.statistics(), "destroy() left the route in place");
    }

    @Test
    void filterUsedAfterDestroyFailsLoudlyInsteadOfPassingThrough() throws Exception {
        initialised("/api");
        filter.destroy();
        FilterChain chain = mock(FilterChain.class);
        ServletException e = assertThrows(ServletException.class, () -> filter.doFilter(
                TestRequests.request().uri("/other").build(), mock(HttpServletResponse.class), chain));
        assertTrue(e.getMessage().contains("[api]"), e.getMessage());
        verifyNoInteractions(chain);
    }

    @Test
    void publishesItselfAsAContextAttributeNamedAfterTheFilter() throws ServletException {
        initialised("/api");
        verify(context).setAttribute("dev.streamproxy.ProxyFilter/api", filter);
        assertEquals("dev.streamproxy.ProxyFilter/api", ProxyFilter.contextAttributeName("api"));
    }

    @Test
    void destroyRemovesTheContextAttributeItPublished() throws ServletException {
        initialised("/api");
        when(context.getAttribute("dev.streamproxy.ProxyFilter/api")).thenReturn(filter);
        filter.destroy();
        verify(context).removeAttribute("dev.streamproxy.ProxyFilter/api");
    }

    @Test
    void destroyLeavesAnAttributeThatAnotherFilterInstanceNowOwns() throws ServletException {
        initialised("/api");
        when(context.getAttribute("dev.streamproxy.ProxyFilter/api")).thenReturn(new ProxyFilter());
        filter.destroy();
        verify(context, never()).removeAttribute(any());
    }

    @Test
    void programmaticConfigWinsOverInitParams() throws ServletException {
        ProxyConfig config = ProxyConfig.builder().targetUri(TARGET).prefix("/programmatic").build();
        filter = new ProxyFilter(config);
        filter.init(filterConfig("prog", params("targetUri", "ftp://ignored", "bogus", "x")));
        assertSame(config, filter.config());
        verify(context).setAttribute("dev.streamproxy.ProxyFilter/prog", filter);
    }

    @Test
    void nullProgrammaticConfigIsRefusedAtConstruction() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ProxyFilter(null));
        assertTrue(e.getMessage().contains("config"), e.getMessage());
    }

    @Test
    void initParamsAreParsedIntoTheConfigInForce() throws ServletException {
        filter = new ProxyFilter();
        filter.init(filterConfig("api", params("targetUri", TARGET, "prefix", "/api/", "maxConnections", "3",
                "forwardedHeaders", "none")));
        assertEquals("/api", filter.config().prefix());
        assertEquals(3, filter.config().maxConnections());
        assertEquals(ForwardedHeaders.NONE, filter.config().forwardedHeaders());
    }
}
