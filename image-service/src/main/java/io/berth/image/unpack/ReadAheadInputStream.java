package io.berth.image.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs decompression and hashing on a thread of their own, a few chunks ahead
 * of the reader, so that inflating the layer overlaps with the syscalls that
 * write it out (about half the CPU time each for a gzip layer).
 *
 * <p>close() stops the pump and only then closes the source: a native
 * decompressor must not be closed while another thread is inside it.
 */
final class ReadAheadInputStream extends BulkInputStream {

    private static final int CHUNK = 1 << 20;
    private static final int CHUNKS_AHEAD = 8;
    private static final Object EOF = new Object();

    private final InputStream source;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CHUNKS_AHEAD);
    private final Thread pump;
    private volatile boolean closed;
    private byte[] chunk = new byte[0];
    private int pos;
    private boolean eof;

    ReadAheadInputStream(InputStream source) {
        this.source = source;
        this.pump = Thread.ofPlatform().daemon().name("layer-read-ahead").start(this::pump);
    }

    private void pump() {
        try {
            while (!closed) {
                byte[] buf = new byte[CHUNK];
                int n = source.readNBytes(buf, 0, CHUNK);
                if (n == 0) {
                    offer(EOF);
                    return;
                }
                offer(n == CHUNK ? buf : Arrays.copyOf(buf, n));
            }
        } catch (IOException | RuntimeException e) {
            offer(e);
        }
    }

    private void offer(Object item) {
        try {
            while (!closed && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                // the reader is slower than decompression; wait for room
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == chunk.length && !nextChunk()) {
            return -1;
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
    }

    private boolean nextChunk() throws IOException {
        if (eof) {
            return false;
        }
        Object item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading a layer");
        }
        if (item == EOF) {
            eof = true;
            return false;
        } else if (item instanceof IOException e) {
            throw e;
        } else if (item instanceof RuntimeException e) {
            throw e;
        }
        chunk = (byte[]) item;
        pos = 0;
        return true;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        queue.clear();
        try {
            pump.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
