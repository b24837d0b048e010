package dev.streamproxy.internal.header;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of CIDR blocks (IPv4 and IPv6) whose peers may tell the proxy who the real client is. Only literal
 * addresses are accepted, so matching never performs a DNS lookup.
 */
public final class TrustedProxies {

    /** The accepted form, for error messages. */
    public static final String FORM = "a comma-separated list of IP addresses or CIDR blocks, "
            + "e.g. 10.0.0.0/8, 192.168.1.7, ::1, fd00::/8";

    private static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<byte[][]> blocks; // {network, mask}

    private TrustedProxies(List<byte[][]> blocks) {
        this.blocks = blocks;
    }

    /** @return a list that trusts nobody */
    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * @param spec comma- or space-separated addresses and CIDR blocks; empty trusts nobody
     * @return the parsed list
     * @throws IllegalArgumentException with the offending entry
     */
    public static TrustedProxies parse(String spec) {
        List<byte[][]> blocks = new ArrayList<>();
        for (String entry : spec.split("[,\\s]+")) {
            if (entry.isEmpty()) {
                continue;
            }
            byte[][] block = parseBlock(entry);
            if (block == null) {
                throw new IllegalArgumentException(entry);
            }
            blocks.add(block);
        }
        return blocks.isEmpty() ? NONE : new TrustedProxies(List.copyOf(blocks));
    }

    /** @return true when no peer is trusted */
    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /**
     * @param address a literal peer address, as from {@code getRemoteAddr()}
     * @return whether it lies in one of the blocks
     */
    public boolean contains(String address) {
        if (blocks.isEmpty() || address == null) {
            return false;
        }
        byte[] ip = literal(address);
        if (ip == null) {
            return false;
        }
        for (byte[][] block : blocks) {
            if (matches(block, ip)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(byte[][] block, byte[] ip) {
        byte[] net = block[0];
        byte[] mask = block[1];
        if (net.length != ip.length) {
            return false;
        }
        for (int i = 0; i < ip.length; i++) {
            if ((ip[i] & mask[i]) != net[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[][] parseBlock(String entry) {
        int slash = entry.indexOf('/');
        byte[] ip = literal(slash < 0 ? entry : entry.substring(0, slash));
        if (ip == null) {
            return null;
        }
        int bits = ip.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (bits < 0 || bits > ip.length * 8) {
                return null;
            }
        }
        byte[] mask = new byte[ip.length];
        for (int i = 0; i < bits; i++) {
            mask[i / 8] |= (byte) (0x80 >>> (i % 8));
        }
        byte[] net = new byte[ip.length];
        for (int i = 0; i < ip.length; i++) {
            net[i] = (byte) (ip[i] & mask[i]);
        }
        return new byte[][] {net, mask};
    }

    private static boolean isDottedQuad(String a) {
        String[] parts = a.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            // "010" is 10 to Java but 8 to inet_aton: a leading zero makes an address mean two things
            if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255
                    || (part.length() > 1 && part.charAt(0) == '0')) {
                return false;
            }
        }
        return true;
    }

    /** Parses a literal IPv4 or IPv6 address (brackets allowed); null for anything that would need DNS. */
    static byte[] literal(String s) {
        String a = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        if (a.isEmpty()) {
            return null;
        }
        boolean colon = a.indexOf(':') >= 0;
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            boolean ok = Character.digit(c, 16) >= 0 || c == '.' || c == ':' || (colon && c == '%');
            if (!ok) {
                return null;
            }
        }
        if (!colon && !isDottedQuad(a)) {
            return null; // anything else (999.1.1.1, 10.1) would be handed to the name service
        }
        try {
            byte[] bytes = InetAddress.getByName(a).getAddress();
            // an IPv4-mapped IPv6 peer (::ffff:10.0.0.1) is the IPv4 peer it maps
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
