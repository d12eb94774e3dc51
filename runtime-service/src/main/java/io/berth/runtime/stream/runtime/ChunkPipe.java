package io.berth.runtime.stream.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Output as a blocking InputStream fed chunk by chunk (a shim's frames, a
 * process's stderr). The writer waits above {@link #HIGH_WATER}: that pushes
 * back on whatever feeds it (a shim waits for a slow terminal exec reader, the
 * pipe of a foreground exec fills up), so a slow client slows the process
 * instead of growing a buffer.
 */
final class ChunkPipe extends InputStream {

    static final int HIGH_WATER = 1 << 20;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int offset;
    private long buffered;
    private boolean ended;
    private boolean closed;

    /** Appends a chunk; dropped once the reader closed the stream (nobody will read it). */
    void offer(byte[] data) {
        lock.lock();
        try {
            while (buffered >= HIGH_WATER && !closed) {
                changed.awaitUninterruptibly();
            }
            if (closed || ended || data.length == 0) {
                return;
            }
            chunks.add(data);
            buffered += data.length;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No more data: the reader sees EOF after what is buffered. */
    void end() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (chunks.isEmpty() && !ended && !closed) {
                changed.await();
            }
            if (closed) {
                throw new IOException("stream closed");
            }
            if (chunks.isEmpty()) {
                return -1;
            }
            byte[] head = chunks.peek();
            int n = Math.min(len, head.length - offset);
            System.arraycopy(head, offset, b, off, n);
            offset += n;
            buffered -= n;
            if (offset == head.length) {
                chunks.poll();
                offset = 0;
            }
            changed.signalAll();
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading output");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            chunks.clear();
            buffered = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
