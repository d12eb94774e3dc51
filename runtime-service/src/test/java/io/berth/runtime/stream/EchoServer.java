package io.berth.runtime.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** A TCP server on loopback standing in for a pod's port: echo, or a fixed-size download. */
final class EchoServer implements AutoCloseable {

    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Consumer<Socket> serve;

    /** Echoes until the client half-closes, then closes. */
    EchoServer() throws IOException {
        this(EchoServer::echo);
    }

    private EchoServer(Consumer<Socket> serve) throws IOException {
        this.serve = serve;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    /** Sends {@code bytes} zero bytes to each client, then closes. */
    static EchoServer source(long bytes) throws IOException {
        return new EchoServer(s -> send(s, bytes));
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket s = server.accept();
                sockets.add(s);
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        serve.accept(s);
                    } catch (IOException e) {
                        // client went away
                    } finally {
                        sockets.remove(s);
                    }
                });
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static void echo(Socket s) {
        try (InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // client went away
        }
    }

    private static void send(Socket s, long bytes) {
        byte[] block = new byte[256 * 1024];
        try (OutputStream out = s.getOutputStream()) {
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
        for (Socket s : sockets) {
            s.close();
        }
    }
}
