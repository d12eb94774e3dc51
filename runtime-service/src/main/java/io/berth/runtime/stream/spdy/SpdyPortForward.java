package io.berth.runtime.stream.spdy;

import io.berth.runtime.stream.PortForwardStreamRequest;
import io.berth.runtime.stream.StreamRuntime;
import io.berth.runtime.stream.portforward.PortForwardPump;
import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port-forward over SPDY (portforward.k8s.io): every forwarded connection is
 * a pair of client streams, "error" and "data", carrying the same port and
 * requestID headers (kubelet pkg/cri/streaming/portforward/httpstream.go).
 * A complete pair dials the port through the runtime and copies bytes; a
 * failure is written as text on the pair's error stream.
 */
final class SpdyPortForward implements SpdyStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SpdyPortForward.class);
    private static final Duration HALF_CLOSE_GRACE = Duration.ofSeconds(30);

    private static final class Pair {
        SpdyStream error;
        SpdyStream data;
    }

    private final StreamRuntime runtime;
    private final PortForwardStreamRequest request;
    private final Channel channel;
    private final Duration creationTimeout;
    private final Map<String, Pair> pending = new HashMap<>();
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    SpdyPortForward(StreamRuntime runtime, PortForwardStreamRequest request, Channel channel,
            Duration creationTimeout) {
        this.runtime = runtime;
        this.request = request;
        this.channel = channel;
        this.creationTimeout = creationTimeout;
    }

    @Override
    public String check(SpdyStream stream) {
        String port = stream.header("port");
        if (port == null || port.isEmpty()) {
            return "\"port\" header is required";
        }
        int value;
        try {
            value = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            return "unable to parse \"" + port + "\" as a port";
        }
        if (value < 1 || value > 65535) {
            return "port " + port + " is out of range";
        }
        if (!request.allows(value)) {
            return "port " + value + " was not requested for sandbox " + request.sandboxId();
        }
        String type = stream.header("streamType");
        if (!"error".equals(type) && !"data".equals(type)) {
            return "invalid stream type \"" + type + "\"";
        }
        return null;
    }

    @Override
    public void accepted(SpdyStream stream) {
        String id = requestId(stream);
        Pair pair = pending.get(id);
        if (pair == null) {
            Pair created = new Pair();
            pending.put(id, created);
            pair = created;
            channel.eventLoop().schedule(() -> expire(id, created), creationTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        boolean isError = "error".equals(stream.header("streamType"));
        if ((isError ? pair.error : pair.data) != null) {
            writeError(isError ? stream : pair.error, "error processing stream for request " + id + ": "
                    + (isError ? "error" : "data") + " stream already assigned");
            return;
        }
        if (isError) {
            pair.error = stream;
        } else {
            pair.data = stream;
        }
        if (pair.error != null && pair.data != null) {
            pending.remove(id);
            Pair complete = pair;
            Thread.ofVirtual().name("portforward-" + id).start(() -> forward(complete));
        }
    }

    // Clients before requestID paired streams by id: error n, data n+2 (kubelet keeps this fallback).
    private static String requestId(SpdyStream stream) {
        String id = stream.header("requestID");
        if (id != null && !id.isEmpty()) {
            return id;
        }
        int offset = "data".equals(stream.header("streamType")) ? 2 : 0;
        return Integer.toString(stream.id() - offset);
    }

    private void expire(String id, Pair pair) {
        if (pending.remove(id, pair)) {
            writeError(pair.error, "timed out waiting for streams of request " + id);
            if (pair.error != null) {
                pair.error.out().close();
            }
            if (pair.data != null) {
                pair.data.out().close();
            }
        }
    }

    private void forward(Pair pair) {
        int port = Integer.parseInt(pair.data.header("port"));
        try (SocketChannel socket = runtime.portForward(request.sandboxId(), port)) {
            open.add(socket);
            if (closed) {
                return;
            }
            PortForwardPump.run(pair.data.in(), pair.data.out(), socket, HALF_CLOSE_GRACE);
            open.remove(socket);
        } catch (IOException | RuntimeException e) {
            LOG.debug("port forward to {}:{} failed: {}", request.sandboxId(), port, e.toString());
            writeError(pair.error, "error forwarding port " + port + " to pod " + request.sandboxId() + ": "
                    + e.getMessage());
        } finally {
            pair.error.out().close();
            pair.data.out().close();
            pair.data.in().close();
        }
    }

    private static void writeError(SpdyStream errorStream, String message) {
        if (errorStream == null) {
            return;
        }
        try {
            errorStream.out().write(message.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("could not report \"{}\": {}", message, e.toString());
        }
    }

    @Override
    public void closed() {
        closed = true;
        for (SocketChannel socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                LOG.trace("close failed", e);
            }
        }
    }
}
