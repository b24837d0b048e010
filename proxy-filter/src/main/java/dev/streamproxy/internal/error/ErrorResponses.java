package dev.streamproxy.internal.error;

import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Writes the proxy's own short answers: errors it detected and requests it refuses. */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    /**
     * Replaces whatever was staged on an uncommitted response with a short plain-text answer.
     *
     * @param response the client response; nothing is written when it is already committed
     * @param status   the status code
     * @param body     the text body
     * @return false when the response was already committed, so the caller must abort the connection instead
     */
    public static boolean send(HttpServletResponse response, int status, String body) {
        return send(response, status, body, null, null);
    }

    /**
     * As {@link #send(HttpServletResponse, int, String)}, with one more header (the request id) that the reset must
     * not lose.
     *
     * @param headerName  a header to set, or null
     * @param headerValue its value
     * @return false when the response was already committed
     */
    public static boolean send(HttpServletResponse response, int status, String body, String headerName,
                               String headerValue) {
        if (response.isCommitted()) {
            return false;
        }
        try {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            head(response, status, bytes.length, headerName, headerValue, true);
            response.getOutputStream().write(bytes);
        } catch (IOException | IllegalStateException e) {
            // the client is gone; there is no one left to tell
        }
        return true;
    }

    /**
     * The head of the answer for a classified failure, set on an uncommitted response; its body is for the caller
     * to write (a non-blocking exchange writes it when the container is ready).
     *
     * @param fresh nothing was staged on the response yet, so it needs no reset (Tomcat's reset also drops the
     *              response's {@code WriteListener}: coyote {@code Response.recycle(false)})
     * @return the body, or null when the response was already committed
     */
    public static byte[] prepare(HttpServletResponse response, UpstreamFailure failure, String headerName,
                                 String headerValue, boolean fresh) {
        if (response.isCommitted()) {
            return null;
        }
        byte[] bytes = failure.body().getBytes(StandardCharsets.UTF_8);
        try {
            head(response, failure.status(), bytes.length, headerName, headerValue, !fresh);
        } catch (IllegalStateException e) {
            return null; // committed in the meantime
        }
        return bytes;
    }

    private static void head(HttpServletResponse response, int status, int length, String headerName,
                             String headerValue, boolean reset) {
        if (reset) {
            response.reset();
        }
        if (headerName != null) {
            response.setHeader(headerName, headerValue);
        }
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        if (status == 503) {
            response.setHeader("Retry-After", "1");
        }
        if (status == 405) {
            response.setHeader("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
        }
        response.setContentLength(length);
    }

    /** Sends the answer for a classified failure. */
    public static boolean send(HttpServletResponse response, UpstreamFailure failure) {
        return send(response, failure.status(), failure.body());
    }

    /** Sends the answer for a classified failure, with one more header. */
    public static boolean send(HttpServletResponse response, UpstreamFailure failure, String headerName,
                               String headerValue) {
        return send(response, failure.status(), failure.body(), headerName, headerValue);
    }
}
