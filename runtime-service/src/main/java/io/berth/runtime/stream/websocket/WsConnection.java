package io.berth.runtime.stream.websocket;

import io.berth.runtime.stream.io.ConnectionGate;
import io.berth.runtime.stream.io.OutboundStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket connection carrying numbered channels: demultiplexes client
 * messages, answers pings, runs the close handshake, and makes an
 * {@link OutboundStream} per server channel.
 */
final class WsConnection extends ChannelInboundHandlerAdapter {

    /** What the connection serves. Called on the event loop. */
    interface Listener {
        /** A message for {@code channel}; the listener owns {@code data}. */
        void message(int channel, ByteBuf data);

        /** v5: the client will send nothing more on {@code channel}. */
        void channelClosed(int channel);

        void closed();
    }

    private static final Logger LOG = LoggerFactory.getLogger(WsConnection.class);
    private static final int MAX_PAYLOAD = 32 * 1024;
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(30);

    private final String protocol;
    private final boolean base64;
    private Listener listener;
    private ConnectionGate gate;
    private ChannelHandlerContext ctx;
    private boolean closeSent;

    WsConnection(String protocol) {
        this.protocol = protocol;
        this.base64 = WsProtocols.isBase64(protocol);
    }

    void listen(Listener l) {
        this.listener = l;
    }

    ConnectionGate gate() {
        return gate;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        this.gate = new ConnectionGate(context.channel());
    }

    OutboundStream outbound(int channel) {
        return new OutboundStream(gate, new OutboundStream.Framing() {
            @Override
            public int maxPayload() {
                return MAX_PAYLOAD;
            }

            @Override
            public Object data(ByteBufAllocator alloc, byte[] b, int off, int len) {
                return frame(alloc, channel, b, off, len);
            }

            @Override
            public Object end(ByteBufAllocator alloc) {
                return null;
            }
        });
    }

    WebSocketFrame frame(ByteBufAllocator alloc, int channel, byte[] b, int off, int len) {
        if (base64) {
            String text = (char) ('0' + channel) + Base64.getEncoder().encodeToString(
                    java.util.Arrays.copyOfRange(b, off, off + len));
            return new TextWebSocketFrame(text);
        }
        ByteBuf buf = alloc.buffer(1 + len);
        buf.writeByte(channel);
        buf.writeBytes(b, off, len);
        return new BinaryWebSocketFrame(buf);
    }

    /** Orderly end from our side: a normal close frame, then the client's answer (or the grace) closes TCP. */
    void finish() {
        if (ctx.executor().isShuttingDown()) {
            ctx.close();
            return;
        }
        ctx.executor().execute(() -> {
            if (!closeSent && ctx.channel().isActive()) {
                closeSent = true;
                ctx.writeAndFlush(new CloseWebSocketFrame(1000, ""));
                ctx.executor().schedule(() -> ctx.close(), CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        try {
            switch (msg) {
                case CloseWebSocketFrame close -> onClose(close);
                case PingWebSocketFrame ping -> context.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                case PongWebSocketFrame ignored -> { }
                case BinaryWebSocketFrame binary -> onData(binary.content());
                case TextWebSocketFrame text -> onData(text.content());
                default -> LOG.trace("ignoring {}", msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onClose(CloseWebSocketFrame close) {
        if (!closeSent) {
            closeSent = true;
            ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode() < 0 ? 1000 : close.statusCode(), ""));
        }
        ctx.close();
    }

    private void onData(ByteBuf content) {
        if (!content.isReadable()) {
            return;
        }
        int channel = content.readUnsignedByte();
        if (base64) {
            channel -= '0';
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(content.toString(StandardCharsets.US_ASCII).trim());
            } catch (IllegalArgumentException e) {
                LOG.debug("dropping a message with invalid base64 on channel {}", channel);
                return;
            }
            listener.message(channel, io.netty.buffer.Unpooled.wrappedBuffer(decoded));
            return;
        }
        if (channel == WsProtocols.CLOSE_CHANNEL && WsProtocols.V5.equals(protocol)) {
            if (content.isReadable()) {
                listener.channelClosed(content.readUnsignedByte());
            }
            return;
        }
        listener.message(channel, content.retainedSlice());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        gate.signal();
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        gate.signal();
        if (listener != null) {
            listener.closed();
        }
        context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        LOG.debug("WebSocket connection {} failed: {}", context.channel().remoteAddress(), cause.toString());
        context.close();
    }
}
