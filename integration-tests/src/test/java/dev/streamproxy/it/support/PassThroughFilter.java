package dev.streamproxy.it.support;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import java.io.IOException;

/**
 * An application's filter that does nothing but pass the request on; registered without async-supported, it makes
 * every request behind it unable to go async, as many existing {@code web.xml} files do.
 */
public final class PassThroughFilter implements Filter {

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, response);
    }
}
