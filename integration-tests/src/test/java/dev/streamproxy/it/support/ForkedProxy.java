package dev.streamproxy.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The proxy ({@link ForkedProxyMain}) in a JVM of its own with a bounded heap, for the tests that prove memory stays
 * bounded: the fork exits on OutOfMemoryError, so a proxy that buffered a body would die. Its output goes to a log
 * file; closing its standard input stops it.
 */
public final class ForkedProxy implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;

    private ForkedProxy(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts the fork and waits (at most 60 s) until it listens.
     *
     * @param heap         the {@code -Xmx} flag
     * @param directMemory the {@code -XX:MaxDirectMemorySize} value
     * @param log          where the fork's output goes
     * @param upstream     the proxy's targetUri
     */
    public static ForkedProxy start(String heap, String directMemory, Path log, URI upstream) throws Exception {
        Files.createDirectories(log.getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, heap, "-XX:MaxDirectMemorySize=" + directMemory,
                "-XX:+ExitOnOutOfMemoryError", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"),
                ForkedProxyMain.class.getName(), upstream.toString())
                .redirectErrorStream(true)
                .start();
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> copyOutput(process.getInputStream(), log, ready), "forked-proxy-output");
        pump.setDaemon(true);
        pump.start();
        try {
            return new ForkedProxy(process, log, ready.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** @return the port the fork listens on, on 127.0.0.1 */
    public int port() {
        return port;
    }

    /** @return whether the fork is still running (it exits on OutOfMemoryError) */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return the fork's output */
    public Path log() {
        return log;
    }

    /** Stops the fork: closes its standard input, then forces it after 10 s. */
    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Copies the fork's output to the log and reports its port once ready. */
    private static void copyOutput(InputStream out, Path log, CompletableFuture<Integer> ready) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8));
             PrintWriter file = new PrintWriter(Files.newBufferedWriter(log), true)) {
            for (String line; (line = lines.readLine()) != null; ) {
                file.println(line);
                if (line.startsWith(ForkedProxyMain.READY)) {
                    ready.complete(Integer.parseInt(line.substring(ForkedProxyMain.READY.length()).strip()));
                }
            }
            ready.completeExceptionally(new IOException("the forked proxy exited before it was ready; see " + log));
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
    }
}
