package io.berth.runtime.shim;

import io.berth.common.error.DeadlineExceededException;
import io.berth.common.error.FailedPreconditionException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection to a shim's attach/control socket: output streaming, stdin, resize and
 * log reopening. Keep in sync with shim/PROTOCOL.md, "Attach socket".
 */
public final class AttachClient implements AutoCloseable {

    /** Receives the process's output; called on the client's reader thread. */
    public interface Output {
        void stdout(byte[] data);

        void stderr(byte[] data);
    }

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
    /** Queued when the connection ends, to wake a waiting request. */
    private static final byte[] CLOSED = new byte[0];

    private final SocketChannel channel;
    private final Output output;
    private final BlockingQueue<byte[]> acks = new ArrayBlockingQueue<>(16);
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final Object requestLock = new Object();

    private AttachClient(SocketChannel channel, Output output) {
        this.channel = channel;
        this.output = output;
    }

    /** Connects; output may be null for a control-only connection. */
    public static AttachClient connect(Path socket, Output output) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        AttachClient c = new AttachClient(ch, output);
        Thread.ofVirtual().name("attach-" + socket.getFileName()).start(c::readLoop);
        return c;
    }

    /** Starts the flow of output frames (nothing is sent before this). */
    public void subscribe(boolean stdout, boolean stderr) throws IOException {
        byte flags = (byte) ((stdout ? ShimProtocol.ATTACH_STDOUT : 0) | (stderr ? ShimProtocol.ATTACH_STDERR : 0));
        send(ShimProtocol.ATTACH, new byte[] {flags});
    }

    public void writeStdin(byte[] data) throws IOException {
        for (int off = 0; off < data.length; off += ShimProtocol.FRAME_MAX_PAYLOAD) {
            int n = Math.min(ShimProtocol.FRAME_MAX_PAYLOAD, data.length - off);
            byte[] part = new byte[n];
            System.arraycopy(data, off, part, 0, n);
            send(ShimProtocol.STDIN, part);
        }
    }

    /** Closes the process's stdin once what was written before has been delivered. */
    public void closeStdin() throws IOException {
        request(ShimProtocol.CLOSE_STDIN, new byte[0]);
    }

    public void resize(int rows, int cols) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4).putShort((short) rows).putShort((short) cols);
        request(ShimProtocol.RESIZE, b.array());
    }

    /** After the kubelet rotated the log: the shim opens the path anew between two records. */
    public void reopenLog() throws IOException {
        request(ShimProtocol.REOPEN_LOG, new byte[0]);
    }

    /** Completes with the exit code when the process ends while attached. */
    public CompletableFuture<Integer> exit() {
        return exit;
    }

    private void request(byte type, byte[] payload) throws IOException {
        synchronized (requestLock) {
            acks.clear();
            send(type, payload);
            byte[] ack;
            try {
                ack = acks.poll(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("waiting for the shim's answer");
            }
            if (ack == CLOSED) {
                throw new EOFException("the shim closed the connection");
            }
            if (ack == null) {
                throw new DeadlineExceededException("the shim did not answer within " + ACK_TIMEOUT);
            }
            if (ack.length > 1) {
                throw new FailedPreconditionException(new String(ack, 1, ack.length - 1, StandardCharsets.UTF_8));
            }
        }
    }

    private void send(byte type, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(ShimProtocol.FRAME_HEADER + payload.length);
        b.put(type).putInt(payload.length).put(payload).flip();
        synchronized (channel) {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }
    }

    private void readLoop() {
        ByteBuffer header = ByteBuffer.allocate(ShimProtocol.FRAME_HEADER);
        try {
            while (true) {
                header.clear();
                if (!readFully(header)) {
                    break;
                }
                byte type = header.get(0);
                ByteBuffer payload = ByteBuffer.allocate(header.getInt(1));
                if (!readFully(payload)) {
                    break;
                }
                dispatch(type, payload.array());
            }
        } catch (IOException e) {
            // the connection is gone either way
        }
        exit.completeExceptionally(new EOFException("shim connection closed before an exit"));
        acks.offer(CLOSED);
    }

    private void dispatch(byte type, byte[] p) {
        switch (type) {
            case ShimProtocol.STDOUT -> {
                if (output != null) {
                    output.stdout(p);
                }
            }
            case ShimProtocol.STDERR -> {
                if (output != null) {
                    output.stderr(p);
                }
            }
            case ShimProtocol.EXIT -> exit.complete(ByteBuffer.wrap(p).getInt());
            case ShimProtocol.ACK -> acks.offer(p);
            default -> {
                // unknown frames from a newer shim are skipped
            }
        }
    }

    private boolean readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
