package dev.streamproxy.benchmark.contenders;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * nginx tuned for this job, when the machine has it: HTTP/1.1 to a keep-alive upstream pool, no request or response
 * buffering (streamed both ways, like the Java proxies), 64 KiB body and proxy buffers (its one-page defaults roughly
 * halve its 1 MiB throughput), no access log, keep-alive without a request limit on either side, one worker per core.
 * {@code /api/ws} is the WebSocket location ({@code --websocket}): {@code Upgrade} and {@code Connection: upgrade}
 * passed on, an hour's read and send timeouts, and 8 KiB tunnel buffers per direction, as streamproxy's.
 */
public final class Nginx {

    private Nginx() {
    }

    public static Optional<Path> binary() {
        for (String p : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")) {
            if (Files.isExecutable(Path.of(p))) {
                return Optional.of(Path.of(p));
            }
        }
        return Optional.empty();
    }

    public static String version(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "-v").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return out.replace("nginx version: ", "");
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    public static ChildProcess start(Path binary, int upstreamPort, Path logDir) throws IOException, InterruptedException {
        return start(binary, "nginx", List.of(upstreamPort), null, logDir);
    }

    /**
     * Starts an nginx named {@code name} (its files are {@code NAME.conf}, {@code NAME.log}, {@code NAME-prefix/} in
     * {@code logDir}) whose upstream block has one server per port, with the given balancing directive (such as
     * {@code least_conn}; null for nginx's default, weighted round-robin). Every other setting is the race's, and
     * nginx's defaults for failures: {@code max_fails=1 fail_timeout=10s} per server, {@code proxy_next_upstream
     * error timeout}.
     */
    public static ChildProcess start(Path binary, String name, List<Integer> upstreamPorts, String balancing,
                                     Path logDir) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(logDir.resolve(name + "-prefix").toAbsolutePath());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String conf = """
                worker_processes auto;
                worker_rlimit_nofile 40000;
                daemon off;
                user root;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 20000; multi_accept on; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi; uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
                    keepalive_requests 100000000;
                    keepalive_timeout 120s;
                    client_max_body_size 0;
                    upstream backend {
                %2$s        keepalive 256;
                        keepalive_requests 100000000;
                        keepalive_timeout 120s;
                    }
                    server {
                        listen 127.0.0.1:%3$d backlog=4096;
                        location /api/ {
                            proxy_pass http://backend/svc/;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                            proxy_set_header X-Forwarded-Proto $scheme;
                            proxy_request_buffering off;
                            proxy_buffering off;
                            client_body_buffer_size 64k;
                            proxy_buffer_size 64k;
                            proxy_buffers 4 64k;
                            proxy_busy_buffers_size 128k;
                            proxy_read_timeout 300s;
                            proxy_send_timeout 300s;
                        }
                        location /api/ws {
                            proxy_pass http://backend/svc/ws;
                            proxy_http_version 1.1;
                            proxy_set_header Upgrade $http_upgrade;
                            proxy_set_header Connection "upgrade";
                            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                            proxy_set_header X-Forwarded-Proto $scheme;
                            proxy_buffer_size 8k;
                            proxy_read_timeout 1h;
                            proxy_send_timeout 1h;
                        }
                    }
                }
                """.formatted(dir, upstreamBlock(upstreamPorts, balancing), port);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Files.writeString(logDir.resolve(name + ".conf"), conf);
        Path log = logDir.resolve(name + ".log");
        ChildProcess p = ChildProcess.start(name, List.of(binary.toString(), "-p", dir.toString(), "-c",
                confFile.toString()), log, false, Duration.ZERO);
        // no READY line: wait until it accepts
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
                probe.shutdownOutput();
                return p.withPort(port);
            } catch (IOException e) {
                if (!p.alive()) {
                    throw new IOException(name + " exited; see " + log + " and " + dir.resolve("error.log"));
                }
                Thread.sleep(50);
            }
        }
        p.close();
        throw new IOException(name + " did not listen on " + port);
    }

    /** The directives inside {@code upstream backend { }} before the keep-alive ones, indented as in the config. */
    private static String upstreamBlock(List<Integer> ports, String balancing) {
        StringBuilder sb = new StringBuilder();
        if (balancing != null) {
            sb.append("        ").append(balancing).append(";\n");
        }
        for (int p : ports) {
            sb.append("        server 127.0.0.1:").append(p).append(";\n");
        }
        return sb.toString();
    }
}
