package dev.streamproxy.it.support;

import dev.streamproxy.ProxyFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;

/**
 * Declares a {@code new ProxyFilter()} the way {@code web.xml} does: the container's {@link FilterConfig} plus
 * these init-params. The filter itself reads and validates them in {@code init}. (The fault, upstream and
 * observability suites declare their routes with it, through {@link RouteWiring#declared}.)
 */
public final class InitParamFilter implements Filter {
    private final ProxyFilter delegate;
    private final Map<String, String> params;

    public InitParamFilter(ProxyFilter delegate, Map<String, String> params) {
        this.delegate = delegate;
        this.params = Map.copyOf(params);
    }

    /** @return the proxy filter that reads the init-params */
    public ProxyFilter delegate() {
        return delegate;
    }

    @Override
    public void init(FilterConfig container) throws ServletException {
        delegate.init(new FilterConfig() {
            @Override
            public String getFilterName() {
                return container.getFilterName();
            }

            @Override
            public ServletContext getServletContext() {
                return container.getServletContext();
            }

            @Override
            public String getInitParameter(String name) {
                return params.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        });
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        delegate.doFilter(request, response, chain);
    }

    @Override
    public void destroy() {
        delegate.destroy();
    }
}
