package io.berth.runtime.stream.io;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Bytes the server sends on one logical stream (stdout, stderr, error,
 * port-forward data) as a blocking OutputStream. Each write becomes whole
 * transport messages (SPDY DATA frames, WebSocket messages) of at most
 * {@link Framing#maxPayload()} bytes; writes wait while the connection is
 * backed up. Writes from one thread keep their order, and a close issued
 * after a writer thread was joined lands after its data.
 */
public final class OutboundStream extends OutputStream {

    /** How a transport wraps payload into messages. */
    public interface Framing {
        int maxPayload();

        Object data(ByteBufAllocator alloc, byte[] b, int off, int len);

        /** The end-of-stream marker, or null when the transport has none. */
        Object end(ByteBufAllocator alloc);
    }

    private final ConnectionGate gate;
    private final Framing framing;
    private volatile boolean closed;

    public OutboundStream(ConnectionGate gate, Framing framing) {
        this.gate = gate;
        this.framing = framing;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("write on a closed stream");
        }
        Channel channel = gate.channel();
        // The event loop itself must never wait (short error texts are written from it).
        boolean mayWait = !channel.eventLoop().inEventLoop();
        do {
            if (mayWait) {
                gate.awaitWritable();
            } else {
                gate.requireOpen();
            }
            int n = Math.min(len, framing.maxPayload());
            channel.writeAndFlush(framing.data(channel.alloc(), b, off, n));
            off += n;
            len -= n;
        } while (len > 0);
    }

    /** Sends the end marker once (SPDY: an empty DATA frame with FIN). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Channel channel = gate.channel();
        Object end = framing.end(channel.alloc());
        if (end != null) {
            channel.writeAndFlush(end);
        }
    }

    /** The peer reset the stream: refuse further writes without sending anything. */
    public void abort() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }
}
