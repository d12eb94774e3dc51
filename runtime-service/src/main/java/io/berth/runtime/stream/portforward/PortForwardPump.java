package io.berth.runtime.stream.portforward;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one forwarded connection both ways between a client stream and the
 * socket the runtime opened in the pod. The client finishing its stream
 * half-closes the socket; the pod's side closing ends the client stream. Once
 * the pod's side is done, the client gets {@code halfCloseGrace} to finish its
 * own direction (SPDY clients send FIN; WebSocket ones cannot, so they get zero).
 */
public final class PortForwardPump {

    private static final Logger LOG = LoggerFactory.getLogger(PortForwardPump.class);
    private static final int BUFFER = 64 * 1024;

    private PortForwardPump() {
    }

    /** Runs until both directions are done; closes neither client stream nor socket. */
    public static void run(InputStream fromClient, OutputStream toClient, SocketChannel socket,
            Duration halfCloseGrace) throws IOException {
        Thread upstream = Thread.ofVirtual().name("portforward-up").start(() -> clientToPod(fromClient, socket));
        try {
            podToClient(socket, toClient);
        } finally {
            toClient.close();
            try {
                if (!upstream.join(halfCloseGrace)) {
                    fromClient.close();
                    socket.close();
                    upstream.join();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void podToClient(SocketChannel socket, OutputStream toClient) throws IOException {
        byte[] buffer = new byte[BUFFER];
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        while (true) {
            wrapped.clear();
            int n;
            try {
                n = socket.read(wrapped);
            } catch (IOException e) {
                // The pod side reset or we closed the socket because the client went away.
                LOG.debug("reading from the pod ended: {}", e.toString());
                return;
            }
            if (n < 0) {
                return;
            }
            toClient.write(buffer, 0, n);
        }
    }

    private static void clientToPod(InputStream fromClient, SocketChannel socket) {
        byte[] buffer = new byte[BUFFER];
        try {
            int n;
            while ((n = fromClient.read(buffer)) >= 0) {
                ByteBuffer wrapped = ByteBuffer.wrap(buffer, 0, n);
                while (wrapped.hasRemaining()) {
                    socket.write(wrapped);
                }
            }
            socket.shutdownOutput();
        } catch (IOException e) {
            LOG.debug("forwarding to the pod ended: {}", e.toString());
            try {
                socket.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }
}
