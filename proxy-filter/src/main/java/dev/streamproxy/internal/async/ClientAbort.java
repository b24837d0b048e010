package dev.streamproxy.internal.async;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Ends a started response so the client sees it broken, not complete: the upstream failed mid-body, and a clean
 * end (the last chunk) would tell the client it has the whole answer. The Servlet API has no call for it, so each
 * container's own form is used: Jetty aborts on {@code sendError(-1)}; Tomcat closes the connection of an async
 * request whose timeout expires with nobody completing it.
 */
public final class ClientAbort {

    private ClientAbort() {
    }

    /**
     * @param async    the exchange's async context
     * @param response its committed response
     */
    public static void abort(AsyncContext async, HttpServletResponse response) {
        try {
            response.sendError(-1); // Jetty: abort the connection
            async.complete();
            return;
        } catch (IllegalStateException | java.io.IOException e) {
            // Tomcat: sendError after commit is refused
        }
        try {
            async.setTimeout(1); // nobody completes it: Tomcat ends the request in error and closes the socket
        } catch (IllegalStateException e) {
            async.complete();
        }
    }
}
