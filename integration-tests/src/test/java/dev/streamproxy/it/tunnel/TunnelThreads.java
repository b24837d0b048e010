package dev.streamproxy.it.tunnel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tunnels' threads as the JVM shows them: pumps (a thread running {@code Tunnel}'s copy loop, whatever its name)
 * and, on JDK 17 where the pumps are platform threads of the route, the threads named
 * {@code streamproxy-<route>-tunnel-<n>}.
 */
final class TunnelThreads {

    private static final String TUNNEL = "dev.streamproxy.internal.tunnel.Tunnel";

    private TunnelThreads() {
    }

    /** @return every thread with a tunnel pump on its stack, with the stack */
    static Map<Thread, StackTraceElement[]> pumps() {
        Map<Thread, StackTraceElement[]> pumps = new LinkedHashMap<>();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            for (StackTraceElement e : stack) {
                if (e.getClassName().equals(TUNNEL) && e.getMethodName().matches("upstreamToClient|clientToUpstream")) {
                    pumps.put(t, stack);
                    return;
                }
            }
        });
        return pumps;
    }

    static String describePumps() {
        StringBuilder sb = new StringBuilder();
        pumps().forEach((t, stack) -> {
            sb.append('\n').append(t.getName()).append(':');
            for (int i = 0; i < Math.min(stack.length, 20); i++) {
                sb.append("\n\tat ").append(stack[i]);
            }
        });
        return sb.toString();
    }

    /** @return live threads named {@code streamproxy-<route>-tunnel-*} */
    static long named(String route) {
        String prefix = "streamproxy-" + route + "-tunnel-";
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }
}
