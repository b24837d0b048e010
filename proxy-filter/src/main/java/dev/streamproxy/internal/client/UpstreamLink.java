package dev.streamproxy.internal.client;

/**
 * Ties a streamed request body to the connection it is being written to, which is only known once the exchange
 * has a connection: the body discards the connection when its client fails (so a cut-off body never completes
 * upstream), and stops quietly when the upstream has already answered (so the answer can be relayed).
 */
public final class UpstreamLink {

    private volatile UpstreamConnection connection;
    private volatile boolean aborted;

    void attach(UpstreamConnection connection) {
        this.connection = connection;
        if (aborted) {
            connection.abort();
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
