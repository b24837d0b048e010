package dev.streamproxy.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic pseudo-random bodies generated on the fly (never held in memory unless asked for) and their SHA-256
 * digests, so that "byte-identical" can be checked on gigabytes.
 */
public final class Payload {

    /** Length and SHA-256 (hex) of a body. */
    public record Digest(long length, String sha256) {
    }

    private Payload() {
    }

    /** @return {@code length} bytes from the generator seeded with {@code seed}, produced as they are read */
    public static InputStream stream(long length, long seed) {
        return new InputStream() {
            private final Generator gen = new Generator(seed);
            private long remaining = length;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (remaining <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, remaining);
                gen.fill(b, off, n);
                remaining -= n;
                return n;
            }
        };
    }

    /** @return the same bytes as {@link #stream} for a small length */
    public static byte[] bytes(int length, long seed) {
        byte[] b = new byte[length];
        new Generator(seed).fill(b, 0, length);
        return b;
    }

    /** @return the digest of what {@link #stream}{@code (length, seed)} produces, computed without storing it */
    public static Digest digestOf(long length, long seed) throws IOException {
        return digest(stream(length, seed));
    }

    /** Reads {@code in} to its end. */
    public static Digest digest(InputStream in) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            md.update(buf, 0, n);
            total += n;
        }
        return new Digest(total, HexFormat.of().formatHex(md.digest()));
    }

    public static Digest digest(byte[] data) {
        return new Digest(data.length, HexFormat.of().formatHex(sha256().digest(data)));
    }

    /** Copies the generated body to {@code out} in {@code chunk}-sized writes. */
    public static void write(OutputStream out, long length, long seed, int chunk) throws IOException {
        InputStream in = stream(length, seed);
        byte[] buf = new byte[chunk];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** xorshift64*, 8 bytes per step; the position within the current word carries across calls. */
    private static final class Generator {
        private long state;
        private long word;
        private int left;

        Generator(long seed) {
            state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        }

        void fill(byte[] b, int off, int len) {
            int i = off;
            int end = off + len;
            while (i < end && left > 0) {
                b[i++] = (byte) word;
                word >>>= 8;
                left--;
            }
            while (end - i >= 8) {
                long w = next();
                for (int k = 0; k < 8; k++) {
                    b[i++] = (byte) w;
                    w >>>= 8;
                }
            }
            if (i < end) {
                word = next();
                left = 8;
                while (i < end) {
                    b[i++] = (byte) word;
                    word >>>= 8;
                    left--;
                }
            }
        }

        private long next() {
            state ^= state >>> 12;
            state ^= state << 25;
            state ^= state >>> 27;
            return state * 0x2545F4914F6CDD1DL;
        }
    }
}
