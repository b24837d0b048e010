package dev.streamproxy.benchmark.servers;

import java.time.Duration;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

/**
 * The upstream's WebSocket endpoint, {@code /svc/ws}: every data frame is sent back as it came (same opcode, same
 * FIN bit, same payload), from Jetty's core WebSocket API, non-blocking like the rest of the upstream. Control frames
 * are Jetty's (a close is answered with a close). No extension is offered (the load generator asks for none), the
 * session idle timeout is an hour (idle tunnels are measured), and frames up to 1 MiB are taken whole.
 */
public final class WebSocketEcho implements FrameHandler {

    /** The path of the echo endpoint on the upstream. */
    public static final String PATH = "/svc/ws";

    private CoreSession session;

    /** Wraps {@code next}: WebSocket upgrades to {@link #PATH} are echo sessions, every other request goes on to it. */
    static Handler wrap(Handler next) {
        WebSocketUpgradeHandler ws = new WebSocketUpgradeHandler();
        Configuration c = ws.getConfiguration();
        c.setIdleTimeout(Duration.ofHours(1));
        c.setMaxFrameSize(1 << 20);
        c.setMaxBinaryMessageSize(1 << 20);
        c.setMaxTextMessageSize(1 << 20);
        c.setAutoFragment(false);
        ws.addMapping(PATH, WebSocketNegotiator.from((request, response, callback) -> new WebSocketEcho(),
                (endpoint, request, response) -> (FrameHandler) endpoint));
        ws.setHandler(next);
        return ws;
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        this.session = coreSession;
        callback.succeeded();
        coreSession.demand(); // Jetty 12.1's core API delivers a frame only when asked for one
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        if (frame.isDataFrame()) {
            // the payload stays valid until the callback completes: it completes when the echo has been written, and
            // only then is the next frame asked for (one echo in flight per session)
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
