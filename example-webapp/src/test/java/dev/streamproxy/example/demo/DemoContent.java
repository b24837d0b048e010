package dev.streamproxy.example.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bytes of a demo download: a fixed 64 KiB pseudo-random block whose first eight bytes are replaced by the
 * block's index, repeated and cut at the requested size. Deterministic, so the launcher can print the checksum a
 * download must have, and generated on the fly at no cost beyond one buffer.
 */
final class DemoContent {

    static final int BLOCK = 64 * 1024;
    /** Large enough for any demo, small enough that a typo cannot keep a connection busy for days. */
    static final long MAX_SIZE = 64L << 30;

    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(b|kib|mib|gib|k|m|g)?");
    private static final byte[] BASE = new byte[BLOCK];

    static {
        SplittableRandom random = new SplittableRandom(0x5eed);
        for (int i = 0; i < BLOCK; i += 8) {
            ByteBuffer.wrap(BASE, i, 8).putLong(random.nextLong());
        }
    }

    private DemoContent() {
    }

    /**
     * Parses {@code 123}, {@code 64KiB}, {@code 100MiB}, {@code 1GiB} (k, m, g mean the same).
     *
     * @throws IllegalArgumentException naming the value and the accepted form
     */
    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("size '" + text + "' is not a size: expected e.g. 1048576, 64KiB, 100MiB or 1GiB");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        int shift = switch (unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        if (n > (MAX_SIZE >> shift)) {
            throw new IllegalArgumentException("size '" + text + "' is too large: at most 64GiB");
        }
        return n << shift;
    }

    /** Writes {@code size} bytes of the content to {@code out}, one block at a time. */
    static void write(OutputStream out, long size) throws IOException {
        byte[] block = new byte[BLOCK];
        long written = 0;
        for (long index = 0; written < size; index++) {
            fill(block, index);
            int n = (int) Math.min(BLOCK, size - written);
            out.write(block, 0, n);
            written += n;
        }
    }

    /** @return a stream of the first {@code size} bytes of the content, generated as it is read */
    static InputStream inputStream(long size) {
        return new InputStream() {
            private final byte[] block = new byte[BLOCK];
            private long position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= size) {
                    return -1;
                }
                int offsetInBlock = (int) (position % BLOCK);
                if (offsetInBlock == 0) {
                    fill(block, position / BLOCK);
                }
                int n = (int) Math.min(Math.min(len, BLOCK - offsetInBlock), size - position);
                System.arraycopy(block, offsetInBlock, b, off, n);
                position += n;
                return n;
            }
        };
    }

    /** @return the lowercase hex SHA-256 of the first {@code size} bytes of the content */
    static String sha256(long size) {
        MessageDigest digest = newSha256();
        byte[] block = new byte[BLOCK];
        long done = 0;
        for (long index = 0; done < size; index++) {
            fill(block, index);
            int n = (int) Math.min(BLOCK, size - done);
            digest.update(block, 0, n);
            done += n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void fill(byte[] block, long index) {
        System.arraycopy(BASE, 0, block, 0, BLOCK);
        ByteBuffer.wrap(block, 0, 8).putLong(index);
    }
}
