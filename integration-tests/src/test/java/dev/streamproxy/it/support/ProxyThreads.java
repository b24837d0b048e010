package dev.streamproxy.it.support;

import java.util.LinkedHashMap;
import java.util.Map;

/** The threads inside the proxy right now: those with the route's handler on their stack (container threads). */
public final class ProxyThreads {

    private ProxyThreads() {
    }

    /** @return every thread now inside {@code ProxyHandler}, with its stack */
    public static Map<Thread, StackTraceElement[]> inside() {
        Map<Thread, StackTraceElement[]> inside = new LinkedHashMap<>();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            for (StackTraceElement e : stack) {
                if (e.getClassName().startsWith("dev.streamproxy.internal.ProxyHandler")) {
                    inside.put(t, stack);
                    return;
                }
            }
        });
        return inside;
    }

    /** @return those threads' names and top frames, for a failure message */
    public static String describe() {
        StringBuilder sb = new StringBuilder();
        inside().forEach((t, stack) -> {
            sb.append('\n').append(t.getName()).append(':');
            for (int i = 0; i < Math.min(stack.length, 25); i++) {
                sb.append("\n\tat ").append(stack[i]);
            }
        });
        return sb.toString();
    }
}
