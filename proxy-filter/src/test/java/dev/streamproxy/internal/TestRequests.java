package dev.streamproxy.internal;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * Builds a Mockito {@link HttpServletRequest} that behaves like a container's: header names are looked up
 * case-insensitively, {@code getHeaderNames} keeps the order headers were added, and every value of a repeated
 * header is kept in order.
 */
public final class TestRequests {

    private TestRequests() {
    }

    /** @return a GET for {@code /} on {@code http://proxy.example:8080} from 192.0.2.10, without headers */
    public static Builder request() {
        return new Builder();
    }

    /** Wraps bytes as a {@link ServletInputStream}. */
    public static ServletInputStream servletStream(InputStream in) {
        return new ServletInputStream() {
            @Override
            public int read() throws IOException {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return in.read(b, off, len);
            }

            @Override
            public int available() throws IOException {
                return in.available();
            }

            @Override
            public boolean isFinished() {
                return false;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException();
            }
        };
    }

    /** Collects the parts of a request before it is mocked. */
    public static final class Builder {
        private String method = "GET";
        private String requestUri = "/";
        private String contextPath = "";
        private String servletPath = "";
        private String pathInfo;
        private String query;
        private String scheme = "http";
        private String serverName = "proxy.example";
        private int serverPort = 8080;
        private String remoteAddr = "192.0.2.10";
        private long contentLength = -1;
        private String contentType;
        private String characterEncoding;
        private InputStream body;
        private RuntimeException inputStreamFailure;
        private final Map<String, String[]> parameters = new LinkedHashMap<>();
        private ServletContext servletContext;
        private final List<String[]> headers = new ArrayList<>();

        public Builder method(String value) {
            method = value;
            return this;
        }

        public Builder uri(String value) {
            requestUri = value;
            return this;
        }

        public Builder contextPath(String value) {
            contextPath = value;
            return this;
        }

        public Builder servletPath(String value) {
            servletPath = value;
            return this;
        }

        public Builder pathInfo(String value) {
            pathInfo = value;
            return this;
        }

        public Builder query(String value) {
            query = value;
            return this;
        }

        public Builder scheme(String value) {
            scheme = value;
            return this;
        }

        public Builder server(String name, int port) {
            serverName = name;
            serverPort = port;
            return this;
        }

        public Builder remoteAddr(String value) {
            remoteAddr = value;
            return this;
        }

        /** Adds one header line; call again with the same name for a repeated header. */
        public Builder header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        public Builder contentLength(long value) {
            contentLength = value;
            header("Content-Length", Long.toString(value));
            return this;
        }

        public Builder contentType(String value) {
            contentType = value;
            header("Content-Type", value);
            return this;
        }

        public Builder characterEncoding(String value) {
            characterEncoding = value;
            return this;
        }

        public Builder body(byte[] bytes) {
            body = new ByteArrayInputStream(bytes);
            return this;
        }

        public Builder body(InputStream in) {
            body = in;
            return this;
        }

        /** Makes {@code getInputStream()} throw, as a container does after {@code getReader()}. */
        public Builder inputStreamFails(RuntimeException failure) {
            inputStreamFailure = failure;
            return this;
        }

        public Builder parameter(String name, String... values) {
            parameters.put(name, values);
            return this;
        }

        public Builder servletContext(ServletContext value) {
            servletContext = value;
            return this;
        }

        public HttpServletRequest build() {
            HttpServletRequest r = mock(HttpServletRequest.class);
            when(r.getMethod()).thenReturn(method);
            when(r.getRequestURI()).thenReturn(requestUri);
            when(r.getContextPath()).thenReturn(contextPath);
            when(r.getServletPath()).thenReturn(servletPath);
            when(r.getPathInfo()).thenReturn(pathInfo);
            when(r.getQueryString()).thenReturn(query);
            when(r.getScheme()).thenReturn(scheme);
            when(r.getServerName()).thenReturn(serverName);
            when(r.getServerPort()).thenReturn(serverPort);
            when(r.getRemoteAddr()).thenReturn(remoteAddr);
            when(r.getContentLengthLong()).thenReturn(contentLength);
            when(r.getContentLength()).thenReturn((int) Math.max(-1, Math.min(Integer.MAX_VALUE, contentLength)));
            when(r.getContentType()).thenReturn(contentType);
            when(r.getCharacterEncoding()).thenReturn(characterEncoding);
            when(r.getParameterMap()).thenReturn(Collections.unmodifiableMap(parameters));
            when(r.getServletContext()).thenReturn(servletContext);
            when(r.getHeaderNames()).thenAnswer(inv -> Collections.enumeration(names()));
            when(r.getHeader(anyString())).thenAnswer(inv -> {
                List<String> values = values(inv.getArgument(0));
                return values.isEmpty() ? null : values.get(0);
            });
            when(r.getHeaders(anyString())).thenAnswer(inv -> Collections.enumeration(values(inv.getArgument(0))));
            try {
                if (inputStreamFailure != null) {
                    when(r.getInputStream()).thenThrow(inputStreamFailure);
                } else {
                    ServletInputStream stream = servletStream(body == null ? InputStream.nullInputStream() : body);
                    when(r.getInputStream()).thenReturn(stream);
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return r;
        }

        private List<String> names() {
            List<String> names = new ArrayList<>();
            for (String[] h : headers) {
                if (names.stream().noneMatch(n -> n.equalsIgnoreCase(h[0]))) {
                    names.add(h[0]);
                }
            }
            return names;
        }

        private List<String> values(String name) {
            List<String> values = new ArrayList<>();
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    values.add(h[1]);
                }
            }
            return values;
        }
    }
}
