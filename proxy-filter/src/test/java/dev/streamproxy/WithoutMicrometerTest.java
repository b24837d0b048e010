package dev.streamproxy;

import dev.streamproxy.internal.TestRequests;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * Runs only in the surefire execution {@code without-micrometer}, whose class path has no Micrometer (it is an
 * optional dependency): the filter must load, configure, start and answer, and asking for Micrometer metrics must
 * fail {@code init()} with the fix rather than with a {@link LinkageError}.
 */
class WithoutMicrometerTest {

    @Test
    void theClassPathReallyHasNoMicrometer() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.micrometer.core.instrument.MeterRegistry"));
    }

    @Test
    void theFilterConfiguresStartsAndAnswersWithoutIt() throws Exception {
        ProxyConfig config = ProxyConfig.builder().targetUri("http://127.0.0.1:9/svc").prefix("/api").build();
        ProxyFilter filter = new ProxyFilter(config);
        filter.init(config("api", Map.of()));
        try {
            HttpServletResponse response = mock(HttpServletResponse.class);
            when(response.getOutputStream()).thenReturn(new jakarta.servlet.ServletOutputStream() {
                @Override
                public void write(int b) {
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(jakarta.servlet.WriteListener listener) {
                }
            });
            filter.doFilter(TestRequests.request().method("TRACE").uri("/api/x").build(), response,
                    mock(FilterChain.class));
            verify(response).setStatus(405);
            assertTrue(filter.statistics().refused() >= 1);
        } finally {
            filter.destroy();
        }
    }

    @Test
    void metricsMicrometerFailsInitNamingWhatIsMissing() {
        ProxyFilter filter = new ProxyFilter();
        ServletException e = assertThrows(ServletException.class, () -> filter.init(config("api",
                Map.of("targetUri", "http://127.0.0.1:9/svc", "metrics", "micrometer"))));
        assertTrue(e.getMessage().contains("invalid metrics 'micrometer'"), e.getMessage());
        assertTrue(e.getMessage().contains("io.micrometer:micrometer-core"), e.getMessage());
    }

    private static FilterConfig config(String name, Map<String, String> params) {
        FilterConfig fc = mock(FilterConfig.class);
        when(fc.getFilterName()).thenReturn(name);
        when(fc.getInitParameterNames()).thenAnswer(inv -> Collections.enumeration(params.keySet()));
        when(fc.getInitParameter(any())).thenAnswer(inv -> params.get(inv.<String>getArgument(0)));
        return fc;
    }
}
