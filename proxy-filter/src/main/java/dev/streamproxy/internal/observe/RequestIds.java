package dev.streamproxy.internal.observe;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids ({@code requestIdHeader}): a client's id is kept when it is 1 to 128 visible ASCII characters, so an
 * id set by a load balancer in front follows the request through; anything else (empty, too long, a space, CR, LF,
 * a control or non-ASCII character) is replaced by a generated one, so a client's value can never break a log line
 * or a header.
 */
public final class RequestIds {

    /** The longest id kept from a client. */
    public static final int MAX_LENGTH = 128;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final long SEED = new SecureRandom().nextLong();

    private RequestIds() {
    }

    /**
     * @param incoming the client's value, or null
     * @return the client's value when well-formed, else a new id
     */
    public static String keepOrGenerate(String incoming) {
        return isWellFormed(incoming) ? incoming : generate();
    }

    /** @return true for 1 to 128 characters, each visible ASCII ({@code !} to {@code ~}) */
    public static boolean isWellFormed(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /**
     * 128 random bits as 32 lowercase hex digits. Unguessable enough for correlation (not a secret): a fast
     * thread-local generator mixed with a per-JVM secure seed, so ids of two JVMs started together do not collide.
     *
     * @return a new id
     */
    public static String generate() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] out = new char[32];
        write(out, 0, r.nextLong() ^ SEED);
        write(out, 16, r.nextLong());
        return new String(out);
    }

    private static void write(char[] out, int at, long bits) {
        for (int i = 15; i >= 0; i--) {
            out[at + i] = HEX[(int) (bits & 0xf)];
            bits >>>= 4;
        }
    }
}
