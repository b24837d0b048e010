package dev.streamproxy.boot.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic pseudo-random bodies of any size, generated as they are read: a multi-megabyte upload or download
 * never exists as one array, and both ends can compute the expected SHA-256 from (size, seed) alone.
 */
public final class Payload {

    private static final int BUFFER = 64 * 1024;

    private Payload() {
    }

    /** @return a stream of exactly {@code size} bytes, the same for the same seed however it is read */
    public static InputStream stream(long size, long seed) {
        return new Generator(size, seed);
    }

    /** @return the hex SHA-256 of {@link #stream(long, long)} */
    public static String sha256(long size, long seed) {
        try (InputStream in = stream(size, seed)) {
            return sha256(in).hex();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the SHA-256 and length of everything {@code in} yields, read to its end */
    public static Digest sha256(InputStream in) throws IOException {
        MessageDigest md = newSha256();
        byte[] buf = new byte[BUFFER];
        long count = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            md.update(buf, 0, n);
            count += n;
        }
        return new Digest(HexFormat.of().formatHex(md.digest()), count);
    }

    /** @return the hex SHA-256 of {@code bytes} */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * A body's fingerprint.
     *
     * @param hex   its SHA-256 in lower-case hex
     * @param bytes its length
     */
    public record Digest(String hex, long bytes) {
    }

    /** xorshift64 bytes, eight per step, so the sequence does not depend on the reader's buffer sizes. */
    private static final class Generator extends InputStream {
        private long remaining;
        private long state;
        private long word;
        private int wordLeft;

        Generator(long size, long seed) {
            this.remaining = size;
            this.state = seed * 0x9E3779B97F4A7C15L | 1; // xorshift must not start at zero
        }

        @Override
        public int read() {
            if (remaining == 0) {
                return -1;
            }
            remaining--;
            return next() & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            for (int i = 0; i < n; i++) {
                b[off + i] = next();
            }
            remaining -= n;
            return n;
        }

        private byte next() {
            if (wordLeft == 0) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                word = state;
                wordLeft = 8;
            }
            byte v = (byte) word;
            word >>>= 8;
            wordLeft--;
            return v;
        }
    }
}
