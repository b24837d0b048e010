package dev.streamproxy.it.tunnel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The TCP sockets of this machine as Linux lists them in {@code /proc/net/tcp} and {@code /proc/net/tcp6}: how many
 * a listening port (the container's, an upstream's) has accepted and still holds, by state. A socket a process still
 * holds is in any state but {@code TIME_WAIT} (the kernel's alone) and {@code LISTEN}.
 */
final class Sockets {

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    private static final String[] STATES = {"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
        "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};

    private Sockets() {
    }

    /** @return true where the tables can be read (Linux) */
    static boolean available() {
        return Files.isReadable(TABLES.get(0));
    }

    /** @return the accepted sockets on {@code port} still held by a process, by state (empty: none) */
    static Map<String, Integer> held(int port) {
        Map<String, Integer> states = new TreeMap<>();
        String local = String.format(":%04X", port);
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException e) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 4 || !f[1].endsWith(local)) {
                    continue;
                }
                int st = Integer.parseInt(f[3], 16);
                String state = st < STATES.length ? STATES[st] : "0x" + f[3];
                if (!state.equals("TIME_WAIT") && !state.equals("LISTEN")) {
                    states.merge(state, 1, Integer::sum);
                }
            }
        }
        return states;
    }
}
