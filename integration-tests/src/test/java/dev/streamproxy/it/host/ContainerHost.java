package dev.streamproxy.it.host;

/**
 * One servlet container the suite can run in. Implementations hold the container-specific code (a few dozen lines
 * each); everything the tests do goes through this interface, so one suite runs unchanged in every host.
 */
public interface ContainerHost extends AutoCloseable {

    /**
     * Deploys {@code app} at its context path on 127.0.0.1 with an ephemeral port and starts the container.
     *
     * @return the port the container listens on
     */
    int start(WebApp app) throws Exception;

    /** @return the container and its version as it reports itself, e.g. {@code Jetty 12.1.14 ee10} */
    String description();

    /** Stops the container and releases what it created; a failure to stop is an unchecked exception. */
    @Override
    void close();
}
