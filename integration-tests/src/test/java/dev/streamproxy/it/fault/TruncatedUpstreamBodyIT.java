package dev.streamproxy.it.fault;

import dev.streamproxy.it.support.BodyStreams;
import dev.streamproxy.it.support.Payload;
import dev.streamproxy.it.support.RawRequest;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An upstream whose body ends (an orderly FIN) before its framing says: fewer bytes than its {@code Content-Length},
 * or a chunked body without its last chunk. The client must get 502 or a broken response, never one that looks
 * complete (a proxy that copied until EOF and then finished the response cleanly would hand it a truncated file).
 */
class TruncatedUpstreamBodyIT {

    @FaultTest
    void aBodyShorterThanItsContentLengthNeverReachesTheClientAsComplete(FaultApp app) throws Exception {
        for (int[] sizes : new int[][] {{100, 10}, {1_000_000, 400_000}, {20_000, 19_999}}) {
            int promised = sizes[0];
            int sent = sizes[1];
            app.upstream().handle(ex -> {
                ex.readAndRecord();
                ex.writeHead(200, "OK", "Content-Type: application/octet-stream", "Content-Length: " + promised);
                ex.out().write(Payload.bytes(sent, 2));
                ex.out().flush();
                ex.closeAfter();
            });

            ClientView v = ClientView.of(app, RawRequest.get("/ctx/api/short"));

            assertTrue(v.status() == 502 || v.broken(), () -> sent + " of " + promised + " bytes: the client must "
                    + "see a failure, not a clean response: " + v);
        }
    }

    @FaultTest
    void aChunkedBodyWithoutItsLastChunkNeverReachesTheClientAsComplete(FaultApp app) throws Exception {
        app.upstream().handle(ex -> {
            ex.readAndRecord();
            ex.writeHead(200, "OK", "Content-Type: application/json", "Transfer-Encoding: chunked");
            BodyStreams.writeChunk(ex.out(), "{\"items\": [1, 2, 3".getBytes(StandardCharsets.US_ASCII));
            ex.out().flush();
            ex.closeAfter(); // FIN, no 0-size chunk
        });

        ClientView v = ClientView.of(app, RawRequest.get("/ctx/api/json"));

        assertTrue(v.status() == 502 || v.broken(), "the client must see a failure, not a clean response: " + v);
    }
}
