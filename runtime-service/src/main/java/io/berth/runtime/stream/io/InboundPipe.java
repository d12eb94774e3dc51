package io.berth.runtime.stream.io;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bytes a client sends on one logical stream (stdin, resize, port-forward
 * data), as a blocking InputStream. The event loop offers buffers; a virtual
 * thread reads. Above {@link #HIGH_WATER} buffered bytes the connection stops
 * reading from its socket, so a slow process cannot make the daemon buffer
 * without bound.
 */
public final class InboundPipe extends InputStream {

    static final int HIGH_WATER = 1 << 20;
    static final int LOW_WATER = 256 << 10;

    private final ConnectionGate gate;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
    private long buffered;
    private boolean ended;
    private boolean closed;
    private boolean paused;
    private IOException failure;

    public InboundPipe(ConnectionGate gate) {
        this.gate = gate;
    }

    /** Takes ownership of {@code data}. Called on the event loop. */
    public void offer(ByteBuf data) {
        lock.lock();
        try {
            if (closed || ended || failure != null || !data.isReadable()) {
                data.release();
                return;
            }
            chunks.add(data);
            buffered += data.readableBytes();
            if (!paused && buffered > HIGH_WATER) {
                paused = true;
                gate.pauseReading();
            }
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The client finished the stream (SPDY FIN, WebSocket v5 close message). */
    public void end() {
        lock.lock();
        try {
            ended = true;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The stream or connection broke; readers see the error after the buffered bytes. */
    public void fail(IOException cause) {
        lock.lock();
        try {
            if (failure == null && !ended) {
                failure = cause;
            }
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (chunks.isEmpty()) {
                if (closed || ended) {
                    return -1;
                }
                if (failure != null) {
                    throw failure;
                }
                readable.awaitUninterruptibly();
            }
            int n = 0;
            while (n < len && !chunks.isEmpty()) {
                ByteBuf head = chunks.peek();
                int take = Math.min(len - n, head.readableBytes());
                head.readBytes(b, off + n, take);
                n += take;
                if (!head.isReadable()) {
                    chunks.poll().release();
                }
            }
            buffered -= n;
            resumeIfDrained();
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** The reader is done: drop what is buffered and whatever still arrives. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            chunks.forEach(ByteBuf::release);
            chunks.clear();
            buffered = 0;
            resumeIfDrained();
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void resumeIfDrained() {
        if (paused && buffered < LOW_WATER) {
            paused = false;
            gate.resumeReading();
        }
    }
}
