package dev.streamproxy.internal.body;

import dev.streamproxy.internal.client.UpstreamLink;
import dev.streamproxy.internal.error.ClientGoneException;
import dev.streamproxy.internal.error.RequestTooLargeException;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decides whether a client request has a body and attaches it to the upstream request as a streamed entity.
 *
 * <p>A request has a body when it declares a {@code Content-Length} (even 0, which is forwarded as such) or a
 * {@code Transfer-Encoding}; otherwise no entity is attached and no framing header is invented. The upstream
 * request's framing header is written here, from the entity: {@code Content-Length} when the length is known,
 * {@code Transfer-Encoding: chunked} otherwise (the client's own framing headers are hop-by-hop and never copied).
 */
public final class RequestBodies {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final ByteArrayEntity EMPTY = new ByteArrayEntity(new byte[0], null);

    private RequestBodies() {
    }

    /**
     * @param from   the client request
     * @param to     the upstream request
     * @param buffer the exchange's copy buffer
     * @param limit  {@code maxRequestBodySize}, or -1
     * @param link   the upstream connection the body will be written to, once there is one
     * @throws RequestTooLargeException when the declared length is over the limit (before the upstream is contacted)
     * @throws ClientGoneException      when the client's stream fails while probing a form body
     */
    public static void attach(HttpServletRequest from, ClassicHttpRequest to, byte[] buffer, long limit,
                              UpstreamLink link) throws IOException {
        attach(from, to, buffer, limit, link, 0);
    }

    /**
     * @param from        the client request
     * @param to          the upstream request
     * @param buffer      the exchange's copy buffer
     * @param limit       {@code maxRequestBodySize}, or -1
     * @param link        the upstream connection the body will be written to, once there is one
     * @param replayBytes the replay window for retries ({@code retryBufferSize}), 0 for none
     */
    public static void attach(HttpServletRequest from, ClassicHttpRequest to, byte[] buffer, long limit,
                              UpstreamLink link, int replayBytes) throws IOException {
        long length = from.getContentLengthLong();
        if (length < 0 && from.getHeader("Transfer-Encoding") == null) {
            return;
        }
        if (limit >= 0 && length > limit) {
            throw new RequestTooLargeException(limit);
        }
        if (length == 0) {
            // an explicit empty body: repeatable, so a bodiless request may still be retried on a stale connection
            frame(to, EMPTY);
            return;
        }
        InputStream in = null;
        int prefilled = 0;
        if (isForm(from) && from.getHeader("Expect") == null) {
            // An earlier filter may have called getParameter(), which makes the container consume a form body;
            // the stream is then at its end and the body must be rebuilt from the parameters. Forms are small
            // and already parsed into memory by the container, so this copy holds nothing new.
            in = StreamingRequestEntity.open(from);
            prefilled = probe(in, buffer, length);
            if (prefilled < 0) {
                frame(to, new ByteArrayEntity(reencodeForm(from), null));
                return;
            }
        }
        frame(to, new StreamingRequestEntity(from, in, length, limit, buffer, prefilled, link, replayBytes));
    }

    private static void frame(ClassicHttpRequest to, HttpEntity entity) {
        to.setEntity(entity);
        long length = entity.getContentLength();
        if (length >= 0) {
            to.setHeader("Content-Length", Long.toString(length));
        } else {
            to.setHeader("Transfer-Encoding", "chunked");
        }
    }

    private static int probe(InputStream in, byte[] buffer, long length) throws ClientGoneException {
        try {
            return in.read(buffer, 0, length < 0 ? buffer.length : (int) Math.min(buffer.length, length));
        } catch (IOException e) {
            throw new ClientGoneException("client request body failed: " + e, e);
        }
    }

    private static boolean isForm(HttpServletRequest request) {
        String type = request.getContentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith(FORM);
    }

    /** The body parameters (the parameter map minus the query string's values) in urlencoded form. */
    static byte[] reencodeForm(HttpServletRequest request) {
        Charset charset = formCharset(request);
        Map<String, Integer> fromQuery = queryCounts(request.getQueryString(), charset);
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String[]> e : request.getParameterMap().entrySet()) {
            String[] values = e.getValue();
            // containers list query values before body values for the same name
            for (int i = fromQuery.getOrDefault(e.getKey(), 0); i < values.length; i++) {
                if (body.length() > 0) {
                    body.append('&');
                }
                body.append(URLEncoder.encode(e.getKey(), charset))
                        .append('=')
                        .append(URLEncoder.encode(values[i], charset));
            }
        }
        return body.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The charset the container decoded the form with: the request's, else the context's default, else the
     * container's own default, which the Servlet specification leaves open (ISO-8859-1 in Tomcat, UTF-8 in Jetty).
     */
    static Charset formCharset(HttpServletRequest request) {
        String name = request.getCharacterEncoding();
        if (name == null && request.getServletContext() != null) {
            name = request.getServletContext().getRequestCharacterEncoding();
            if (name == null) {
                String server = String.valueOf(request.getServletContext().getServerInfo()).toLowerCase(Locale.ROOT);
                name = server.contains("jetty") ? "UTF-8" : "ISO-8859-1";
            }
        }
        try {
            return name == null ? StandardCharsets.ISO_8859_1 : Charset.forName(name);
        } catch (RuntimeException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }

    private static Map<String, Integer> queryCounts(String query, Charset charset) {
        Map<String, Integer> counts = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return counts;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            try {
                counts.merge(URLDecoder.decode(rawName, charset), 1, Integer::sum);
            } catch (IllegalArgumentException e) {
                counts.merge(rawName, 1, Integer::sum);
            }
        }
        return counts;
    }
}
