package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.ClientConnection;
import dev.streamproxy.it.support.HttpHead;
import dev.streamproxy.it.support.RawRequest;

import java.io.IOException;

/**
 * What a client made of a response when the upstream failed: an error status before commit, or a response whose
 * body broke off (the framing promised more than arrived), or - the failure a proxy must never produce - a response
 * that looks complete.
 */
record ClientView(int status, String outcome, long bodyBytes) {

    static ClientView of(FaultApp app, RawRequest request) throws IOException {
        try (ClientConnection c = app.connect()) {
            c.send(request);
            HttpHead head;
            try {
                head = c.readHead();
                while (head.startLine().split(" ", 3)[1].startsWith("1")) {
                    head = c.readHead();
                }
            } catch (IOException e) {
                return new ClientView(-1, "no response: " + e, 0);
            }
            int status = Integer.parseInt(head.startLine().split(" ", 3)[1]);
            long n = 0;
            try {
                byte[] buf = new byte[16 * 1024];
                var body = c.body(head, request.method());
                for (int r; (r = body.read(buf)) >= 0; ) {
                    n += r;
                }
                return new ClientView(status, "complete", n);
            } catch (IOException e) {
                return new ClientView(status, "broken: " + e, n);
            }
        }
    }

    boolean complete() {
        return outcome.equals("complete");
    }

    boolean broken() {
        return outcome.startsWith("broken");
    }
}
