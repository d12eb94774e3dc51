package io.berth.runtime.stream.runtime;

import io.berth.runtime.shim.AttachClient;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Supplier;

/** A process's stdin through a shim's attach socket (STDIN frames). */
final class ShimStdin extends OutputStream {

    private final Supplier<AttachClient> client;
    private final boolean closeIsEof;
    private boolean closed;

    /**
     * @param closeIsEof whether closing sends CLOSE_STDIN (an exec's stdin ends with the client's;
     *                   an attached container keeps its stdin unless it is stdin_once)
     */
    ShimStdin(Supplier<AttachClient> client, boolean closeIsEof) {
        this.client = client;
        this.closeIsEof = closeIsEof;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stdin is closed");
        }
        byte[] part = new byte[len];
        System.arraycopy(b, off, part, 0, len);
        require().writeStdin(part);
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (closeIsEof) {
            try {
                require().closeStdin();
            } catch (RuntimeException e) {
                throw new IOException("closing stdin: " + e.getMessage(), e);
            }
        }
    }

    private AttachClient require() throws IOException {
        AttachClient c = client.get();
        if (c == null) {
            throw new IOException("the process has ended");
        }
        return c;
    }
}
