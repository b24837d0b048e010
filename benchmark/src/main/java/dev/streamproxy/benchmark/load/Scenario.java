package dev.streamproxy.benchmark.load;

import java.nio.charset.StandardCharsets;

import dev.streamproxy.benchmark.servers.PatternData;

/** What one request of a closed-loop cell looks like. */
public enum Scenario {
    POST_1M("1 MiB POST", "post1m", "POST", "/sink", PatternData.CHUNK, false),
    GET_1K("1 KiB GET", "get1k", "GET", "/bytes?size=1024", 0, false),
    GET_1M("1 MiB GET", "get1m", "GET", "/bytes?size=1048576", 0, false),
    /** Two events 20 ms apart: the figure is the time to the first one; a buffering proxy shows 20 ms or more. */
    SSE_FIRST_EVENT("SSE first event", "sse-ttfe", "GET", "/sse?events=2&intervalMs=20", 0, true);

    public final String title;
    public final String id;
    final String method;
    final String path;
    public final int bodyBytes;
    final boolean firstEvent;

    Scenario(String title, String id, String method, String path, int bodyBytes, boolean firstEvent) {
        this.title = title;
        this.id = id;
        this.method = method;
        this.path = path;
        this.bodyBytes = bodyBytes;
        this.firstEvent = firstEvent;
    }

    /** The body length the upstream answers a GET with (its {@code size=} parameter), or -1 when it is not fixed. */
    long responseBytes() {
        int i = path.indexOf("size=");
        return method.equals("GET") && i >= 0 ? Long.parseLong(path.substring(i + 5)) : -1;
    }

    /** The request line and headers, sent as they are on every request. */
    public byte[] head(String pathPrefix, int port) {
        StringBuilder sb = new StringBuilder()
                .append(method).append(' ').append(pathPrefix).append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("User-Agent: streamproxy-bench\r\n");
        if (bodyBytes > 0) {
            sb.append("Content-Type: application/octet-stream\r\n")
                    .append("Content-Length: ").append(bodyBytes).append("\r\n");
        }
        if (firstEvent) {
            sb.append("Accept: text/event-stream\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }
}
