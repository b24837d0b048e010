package dev.streamproxy.it.upstream;

import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.MatrixApp;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;

import java.io.IOException;

/**
 * One client sending many requests one after the other on a kept-alive connection to the container, opening a new
 * one only when the container said {@code Connection: close} (Tomcat does after 100 requests), so that hundreds of
 * requests cost no connection setup and leave no sockets behind.
 */
final class KeepAliveClient implements AutoCloseable {

    private final MatrixApp app;
    private ClientConnection connection;

    KeepAliveClient(MatrixApp app) {
        this.app = app;
    }

    /** Sends the request and reads its whole response. */
    RawResponse send(RawRequest request) throws IOException {
        if (connection == null) {
            connection = app.connect();
        }
        RawResponse r = connection.send(request).readResponse(request.method());
        if (r.head().connectionTokens().contains("close")) {
            close();
        }
        return r;
    }

    @Override
    public void close() throws IOException {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
