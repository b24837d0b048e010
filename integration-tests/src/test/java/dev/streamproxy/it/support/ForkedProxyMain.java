package dev.streamproxy.it.support;

import dev.streamproxy.ProxyConfig;
import dev.streamproxy.ProxyFilter;
import dev.streamproxy.it.host.ContainerHost;
import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.host.WebApp;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The proxy alone in its own JVM (started by a test with a small heap): embedded Jetty ee10 with the filter on
 * {@code /ctx/api/*} in front of the upstream given as the first argument. Prints {@code LISTENING <port>} when
 * ready, serves its heap figures and pool state at {@code /ctx/heap}, and stops when its standard input closes.
 */
public final class ForkedProxyMain {

    public static final String READY = "LISTENING ";

    private ForkedProxyMain() {
    }

    public static void main(String[] args) throws Exception {
        ProxyFilter proxy = new ProxyFilter(ProxyConfig.builder().targetUri(args[0]).prefix("/api")
                .responseTimeout(Duration.ofSeconds(30)).build());
        try (ContainerHost host = HostKind.JETTY_EE10.create()) {
            int port = host.start(new WebApp("/ctx", List.of(new WebApp.FilterMapping("api", proxy, "/api/*")),
                    new HeapServlet()));
            System.out.println(READY + port);
            System.out.flush();
            while (System.in.read() >= 0) {
                // run until the test closes our standard input
            }
        }
    }

    /** Heap figures of this JVM and the proxy's leased connections: {@code used=.. peak=.. max=.. leased=..}. */
    static final class HeapServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            Object proxy = getServletContext().getAttribute(ProxyFilter.contextAttributeName("api"));
            int leased = proxy instanceof ProxyFilter p ? p.poolStatistics().leased() : -1;
            resp.setContentType("text/plain");
            resp.getOutputStream().write(("used=" + heap.getUsed() + " peak=" + peak + " max=" + heap.getMax()
                    + " leased=" + leased).getBytes(StandardCharsets.US_ASCII));
        }
    }
}
