package dev.streamproxy.internal.client;

import java.io.InterruptedIOException;

/**
 * Ties a streamed request body to the connection it is being written to, which is only known once the exchange
 * has a connection: the body discards the connection when its client fails (so a cut-off body never completes
 * upstream), and stops quietly when the upstream has already answered (so the answer can be relayed).
 */
public final class UpstreamLink {

    private volatile UpstreamConnection connection;
    private volatile UploadPump upload;
    private volatile boolean aborted;

    void attach(UpstreamConnection connection) {
        this.connection = connection;
        if (aborted) {
            connection.abort();
        }
    }

    /** @param pump the copy of the body that goes up beside the answer on the current connection, or null */
    void uploadStarted(UploadPump pump) {
        this.upload = pump;
    }

    /** @return true while a copy of the body runs beside the exchange's thread */
    public boolean uploading() {
        UploadPump p = upload;
        return p != null && p.isRunning();
    }

    /**
     * Waits for the copy of a failed try to end (its connection is closed, so only a read of the client can keep
     * it), without disturbing the client's body: the next try reads on from where it stopped.
     *
     * @throws InterruptedIOException when the filter is stopping
     */
    public void awaitUploadEnd() throws InterruptedIOException {
        UploadPump p = upload;
        if (p != null) {
            p.stop(false);
        }
    }

    /** Ends a copy that still runs once the exchange is over, interrupting its read of the client if need be. */
    public void endUpload() {
        UploadPump p = upload;
        if (p == null) {
            return;
        }
        try {
            p.stop(true);
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt(); // the filter is stopping: its threads end with it
        }
    }

    /** Discards the current connection, if any, and any attached later. */
    public void abort() {
        aborted = true;
        UpstreamConnection c = connection;
        if (c != null) {
            c.abort();
        }
    }

    /**
     * Asked when writing the body upstream failed: if the upstream has answered, the body stops here (nothing
     * more is written on this connection, not even a closing chunk) and the answer is read next.
     *
     * @return true when an answer is waiting and the body must stop without failing
     */
    public boolean stopIfAnswered() {
        UpstreamConnection c = connection;
        return c != null && c.stopBodyIfAnswered();
    }
}
