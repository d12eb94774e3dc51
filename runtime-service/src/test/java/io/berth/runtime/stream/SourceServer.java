package io.berth.runtime.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A TCP server on loopback that sends a fixed number of bytes to each client, then closes. */
final class SourceServer implements AutoCloseable {

    private final ServerSocket server;
    private final long bytes;

    SourceServer(long bytes) throws IOException {
        this.bytes = bytes;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> send(s));
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void send(Socket s) {
        byte[] block = new byte[256 * 1024];
        try (s; OutputStream out = s.getOutputStream()) {
            for (long left = bytes; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        } catch (IOException e) {
            // client went away
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
