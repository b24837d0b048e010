package dev.streamproxy.example.demo;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

import java.time.Duration;

/**
 * The demo upstream's WebSocket echo, on every path whose last segment is {@code ws} (through the proxy e.g.
 * {@code ws://127.0.0.1:8080/api/ws}): every text and binary frame comes back as it came. Jetty's core WebSocket
 * server; control frames (ping, close) are answered by Jetty itself.
 */
final class DemoWebSocketEcho implements FrameHandler {

    /** Upstream paths ending in {@code /ws}, the way the servlet picks its answer from the last path segment. */
    static final String PATH_SPEC = "^.*/ws$";

    private CoreSession session;

    /** Wraps {@code next}: WebSocket upgrades to {@link #PATH_SPEC} are echo sessions, everything else goes on. */
    static Handler wrap(Handler next) {
        WebSocketUpgradeHandler ws = new WebSocketUpgradeHandler();
        ws.getConfiguration().setIdleTimeout(Duration.ofHours(1)); // as the filter's upgradeIdleTimeout, not 30s
        ws.addMapping(PATH_SPEC, WebSocketNegotiator.from((request, response, callback) -> new DemoWebSocketEcho(),
                (endpoint, request, response) -> (FrameHandler) endpoint));
        ws.setHandler(next);
        return ws;
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        session = coreSession;
        callback.succeeded();
        coreSession.demand(); // Jetty's core API delivers a frame only when asked for one
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        if (frame.isDataFrame()) {
            // the payload is valid until the callback completes: complete it, and ask for more, once the echo is out
            session.sendFrame(new Frame(frame.getOpCode(), frame.isFin(), frame.getPayload()), Callback.from(() -> {
                callback.succeeded();
                session.demand();
            }, callback::failed), false);
        } else {
            callback.succeeded();
            if (frame.getOpCode() != OpCode.CLOSE) {
                session.demand();
            }
        }
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        callback.succeeded();
    }
}
