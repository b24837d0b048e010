package dev.streamproxy.benchmark.servers;

import java.util.Random;
import java.util.zip.CRC32C;

/**
 * The bytes every body in the benchmark is made of, the same in every process: a 4 MiB seeded random block read
 * in 1 MiB chunks at shifting offsets, so that a long stream has no repeating 1 MiB block and both ends can
 * compute its checksum without storing it.
 */
public final class PatternData {

    public static final int CHUNK = 1 << 20;
    private static final byte[] SOURCE = new byte[4 * CHUNK];

    static {
        new Random(20260217L).nextBytes(SOURCE);
    }

    private PatternData() {
    }

    /** The shared source block; chunk {@code i} is {@code CHUNK} bytes from {@link #offset(long)}. Read-only by convention. */
    public static byte[] source() {
        return SOURCE;
    }

    static int offset(long chunkIndex) {
        return (int) ((chunkIndex * 7919L * 64L) % (SOURCE.length - CHUNK));
    }

    public interface ChunkConsumer {
        void accept(byte[] array, int offset, int length) throws java.io.IOException;
    }

    /** Feeds the first {@code total} bytes of the stream to {@code consumer}, at most one chunk per call. */
    public static void forEachChunk(long total, ChunkConsumer consumer) throws java.io.IOException {
        long sent = 0;
        for (long i = 0; sent < total; i++) {
            int n = (int) Math.min(CHUNK, total - sent);
            consumer.accept(SOURCE, offset(i), n);
            sent += n;
        }
    }

    /** CRC32C of the first {@code total} bytes of the stream. */
    public static long crc32c(long total) {
        CRC32C crc = new CRC32C();
        try {
            forEachChunk(total, crc::update);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return crc.getValue();
    }
}
