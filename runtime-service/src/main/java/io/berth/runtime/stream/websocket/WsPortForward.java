package io.berth.runtime.stream.websocket;

import io.berth.runtime.stream.PortForwardStreamRequest;
import io.berth.runtime.stream.StreamRuntime;
import io.berth.runtime.stream.io.InboundPipe;
import io.berth.runtime.stream.io.OutboundStream;
import io.berth.runtime.stream.portforward.PortForwardPump;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port-forward over WebSocket: one connection per requested port, on channel
 * pairs 2i (data, both ways) and 2i+1 (error, server to client). Each channel
 * starts with the port as two little-endian bytes (kubelet
 * pkg/cri/streaming/portforward/websocket.go). The connection ends when every
 * forwarded connection has ended.
 */
final class WsPortForward implements WsConnection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(WsPortForward.class);

    private record Forward(int port, InboundPipe in, OutboundStream data, OutboundStream error) {
    }

    private final WsConnection connection;
    private final StreamRuntime runtime;
    private final PortForwardStreamRequest request;
    private final List<Forward> forwards = new ArrayList<>();
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean closed;

    WsPortForward(WsConnection connection, StreamRuntime runtime, PortForwardStreamRequest request,
            List<Integer> ports) {
        this.connection = connection;
        this.runtime = runtime;
        this.request = request;
        for (int i = 0; i < ports.size(); i++) {
            Forward f = new Forward(ports.get(i), new InboundPipe(connection.gate()),
                    connection.outbound(2 * i), connection.outbound(2 * i + 1));
            forwards.add(f);
        }
    }

    void start() throws IOException {
        for (Forward f : forwards) {
            byte[] port = {(byte) f.port(), (byte) (f.port() >>> 8)};
            f.data().write(port);
            f.error().write(port);
        }
        running.set(forwards.size());
        for (Forward f : forwards) {
            Thread.ofVirtual().name("portforward-" + f.port()).start(() -> forward(f));
        }
    }

    private void forward(Forward f) {
        try (SocketChannel socket = runtime.portForward(request.sandboxId(), f.port())) {
            open.add(socket);
            if (!closed) {
                PortForwardPump.run(f.in(), f.data(), socket, Duration.ZERO);
            }
            open.remove(socket);
        } catch (IOException | RuntimeException e) {
            LOG.debug("port forward to {}:{} failed: {}", request.sandboxId(), f.port(), e.toString());
            try {
                f.error().write(("error forwarding port " + f.port() + " to pod " + request.sandboxId() + ": "
                        + e.getMessage()).getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                LOG.trace("client gone", ignored);
            }
        } finally {
            f.in().close();
            if (running.decrementAndGet() == 0) {
                connection.finish();
            }
        }
    }

    @Override
    public void message(int channel, ByteBuf data) {
        if (channel % 2 == 0 && channel / 2 < forwards.size()) {
            forwards.get(channel / 2).in().offer(data);
        } else {
            data.release();
        }
    }

    @Override
    public void channelClosed(int channel) {
        if (channel % 2 == 0 && channel / 2 < forwards.size()) {
            forwards.get(channel / 2).in().end();
        }
    }

    @Override
    public void closed() {
        closed = true;
        IOException gone = new IOException("connection closed");
        forwards.forEach(f -> f.in().fail(gone));
        for (SocketChannel socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                LOG.trace("close failed", e);
            }
        }
    }
}
