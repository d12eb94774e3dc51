package io.berth.runtime.stream.spdy;

import io.berth.runtime.stream.io.ConnectionGate;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyHeaders;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server half of a SPDY/3.1 session as moby/spdystream speaks it: accepts
 * client streams with SYN_REPLY, routes DATA, honours RST_STREAM, answers
 * PING, treats GOAWAY as the client leaving. There is no send window: SETTINGS
 * and WINDOW_UPDATE are ignored because the Go client never grants window;
 * the TCP connection's own backpressure ({@link ConnectionGate}) bounds output.
 */
final class SpdyConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SpdyConnection.class);

    private final SpdyStreamHandler handler;
    private final Map<Integer, SpdyStream> streams = new HashMap<>();
    private final SpdyFrames frames = new SpdyFrames();
    private ConnectionGate gate;
    private int lastStreamId;
    private boolean closed;

    SpdyConnection(SpdyStreamHandler handler) {
        this.handler = handler;
    }

    ConnectionGate gate() {
        return gate;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        gate = new ConnectionGate(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case SpdySynStreamFrame syn -> onSynStream(ctx, syn);
                case SpdyDataFrame data -> onData(data);
                case SpdyRstStreamFrame rst -> onReset(rst.streamId());
                case SpdyPingFrame ping -> onPing(ctx, ping.id());
                case SpdyGoAwayFrame ignored -> ctx.close();
                default -> LOG.trace("ignoring {}", msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onSynStream(ChannelHandlerContext ctx, SpdySynStreamFrame syn) {
        int id = syn.streamId();
        if (syn.isInvalid() || id % 2 == 0 || id <= lastStreamId) {
            // Client streams are odd and increasing (SPDY/3 section 2.3.2).
            ctx.writeAndFlush(SpdyFrames.rstStream(ctx.alloc(), id, SpdyFrames.RST_PROTOCOL_ERROR));
            return;
        }
        lastStreamId = id;
        SpdyStream stream = new SpdyStream(id, headers(syn.headers()), gate);
        String refusal = handler.check(stream);
        if (refusal != null) {
            LOG.debug("refusing stream {}: {}", id, refusal);
            ctx.writeAndFlush(SpdyFrames.rstStream(ctx.alloc(), id, SpdyFrames.RST_REFUSED_STREAM));
            return;
        }
        streams.put(id, stream);
        ctx.writeAndFlush(frames.synReply(ctx.alloc(), id));
        if (syn.isLast()) {
            stream.in().end();
        }
        handler.accepted(stream);
    }

    private void onData(SpdyDataFrame data) {
        SpdyStream stream = streams.get(data.streamId());
        if (stream == null) {
            return;
        }
        ByteBuf content = data.content();
        if (content.isReadable()) {
            stream.in().offer(content.retain());
        }
        if (data.isLast()) {
            stream.in().end();
        }
    }

    private void onReset(int streamId) {
        SpdyStream stream = streams.remove(streamId);
        if (stream != null) {
            stream.reset();
        }
    }

    private void onPing(ChannelHandlerContext ctx, int id) {
        // Odd ids are the client's own pings, which we echo; even ones would answer ours.
        if (id % 2 != 0) {
            ctx.writeAndFlush(SpdyFrames.ping(ctx.alloc(), id));
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        gate.signal();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!closed) {
            closed = true;
            IOException gone = new IOException("connection closed");
            streams.values().forEach(s -> {
                s.in().fail(gone);
                s.out().abort();
            });
            streams.clear();
            frames.release();
            gate.signal();
            handler.closed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("SPDY connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private static Map<String, String> headers(SpdyHeaders spdyHeaders) {
        Map<String, String> map = new HashMap<>();
        for (Map.Entry<CharSequence, CharSequence> e : spdyHeaders) {
            map.putIfAbsent(e.getKey().toString().toLowerCase(Locale.ROOT), e.getValue().toString());
        }
        return map;
    }
}
