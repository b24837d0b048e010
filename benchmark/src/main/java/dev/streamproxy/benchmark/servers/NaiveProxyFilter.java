package dev.streamproxy.benchmark.servers;

import java.io.IOException;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;

/**
 * The seed review's "old" proxy, on the same HTTP client library as streamproxy so that only the approach differs:
 * it reads the whole request body into memory, builds a new HttpClient (so a new connection) for every request,
 * and buffers the whole upstream response before writing it. This is the baseline streamproxy must beat by 2x.
 */
public final class NaiveProxyFilter implements Filter {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
            "host", "content-length");

    private final String target;
    private final String prefix;

    public NaiveProxyFilter(String target, String prefix) {
        this.target = target;
        this.prefix = prefix;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!path.startsWith(prefix)) {
            chain.doFilter(req, res);
            return;
        }
        String uri = target + path.substring(prefix.length())
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString());

        byte[] body = request.getInputStream().readAllBytes(); // old: io.ReadAll(body)
        BasicClassicHttpRequest upstream = new BasicClassicHttpRequest(request.getMethod(), uri);
        for (String name : Collections.list(request.getHeaderNames())) {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                for (String value : Collections.list(request.getHeaders(name))) {
                    upstream.addHeader(name, value);
                }
            }
        }
        if (body.length > 0 || request.getContentLengthLong() >= 0) {
            String type = request.getContentType();
            upstream.setEntity(new ByteArrayEntity(body, type == null ? null : ContentType.parse(type)));
        }

        // old: a new http.Transport per request, so no connection reuse
        try (CloseableHttpClient client = HttpClients.custom()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableContentCompression()
                .disableAutomaticRetries()
                .build()) {
            client.execute(upstream, (ClassicHttpResponse up) -> {
                HttpEntity entity = up.getEntity();
                byte[] content = entity == null ? new byte[0] : EntityUtils.toByteArray(entity); // buffered
                response.setStatus(up.getCode());
                for (Header h : up.getHeaders()) {
                    if (!HOP_BY_HOP.contains(h.getName().toLowerCase(Locale.ROOT))) {
                        response.addHeader(h.getName(), h.getValue());
                    }
                }
                response.setContentLength(content.length);
                response.getOutputStream().write(content);
                return null;
            });
        } catch (IOException e) {
            if (!response.isCommitted()) {
                response.sendError(502);
            }
        }
    }
}
