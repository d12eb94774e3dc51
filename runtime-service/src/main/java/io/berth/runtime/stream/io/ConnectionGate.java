package io.berth.runtime.stream.io;

import io.netty.channel.Channel;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Backpressure for one connection, in both directions. Writers (virtual
 * threads pumping process output) wait while Netty's outbound buffer is above
 * its high-water mark, which is TCP's own flow control; this is the only send
 * limit, because the Go SPDY client never sends WINDOW_UPDATE. Readers that
 * fall behind pause socket reads until they catch up.
 */
public final class ConnectionGate {

    private final Channel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int pausedReaders;

    public ConnectionGate(Channel channel) {
        this.channel = channel;
    }

    public Channel channel() {
        return channel;
    }

    /** Blocks until the channel accepts more output; fails once the connection is gone. */
    public void awaitWritable() throws IOException {
        if (channel.isWritable()) {
            return;
        }
        lock.lock();
        try {
            while (channel.isActive() && !channel.isWritable()) {
                changed.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to write", e);
        } finally {
            lock.unlock();
        }
        requireOpen();
    }

    public void requireOpen() throws IOException {
        if (!channel.isActive()) {
            throw new IOException("connection closed by the client");
        }
    }

    /** Called by the connection handler when writability changes or the channel closes. */
    public void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void pauseReading() {
        lock.lock();
        try {
            if (pausedReaders++ == 0) {
                channel.config().setAutoRead(false);
            }
        } finally {
            lock.unlock();
        }
    }

    void resumeReading() {
        lock.lock();
        try {
            if (--pausedReaders == 0) {
                channel.config().setAutoRead(true);
            }
        } finally {
            lock.unlock();
        }
    }
}
