package dev.streamproxy.it.support;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;

/**
 * An application filter that runs before the proxy and, when asked by the header {@value #TRIGGER}, reads the
 * request's parameters, which consumes an {@code application/x-www-form-urlencoded} body (what a CSRF or logging
 * filter typically does).
 */
public final class FormReadingFilter implements Filter {

    public static final String TRIGGER = "X-Test-Read-Form";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && http.getHeader(TRIGGER) != null) {
            http.getParameterMap();
        }
        chain.doFilter(request, response);
    }
}
