package dev.streamproxy.internal.body;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/** Records what was written and how many bytes had been written at each flush; can be told to fail. */
final class RecordingOutputStream extends OutputStream {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<Integer> flushPoints = new ArrayList<>();
    private final List<Integer> writeSizes = new ArrayList<>();
    private IOException failWrites;
    private IOException failFlushes;

    RecordingOutputStream failWrites(IOException failure) {
        failWrites = failure;
        return this;
    }

    RecordingOutputStream failFlushes(IOException failure) {
        failFlushes = failure;
        return this;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (failWrites != null) {
            throw failWrites;
        }
        bytes.write(b, off, len);
        writeSizes.add(len);
    }

    @Override
    public void flush() throws IOException {
        if (failFlushes != null) {
            throw failFlushes;
        }
        flushPoints.add(bytes.size());
    }

    byte[] bytes() {
        return bytes.toByteArray();
    }

    /** @return the length of every write, in order */
    List<Integer> writeSizes() {
        return writeSizes;
    }

    /** @return the byte count written before each flush, in order */
    List<Integer> flushPoints() {
        return flushPoints;
    }
}
