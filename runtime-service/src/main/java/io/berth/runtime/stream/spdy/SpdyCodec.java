package io.berth.runtime.stream.spdy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;

/**
 * Netty's SPDY/3.1 decoder (frames, and header blocks inflated with the SPDY
 * dictionary), letting our already-encoded frames ({@link SpdyFrames}) pass
 * through on the way out.
 */
final class SpdyCodec extends SpdyFrameCodec {

    private static final int MAX_CHUNK = 64 * 1024;
    private static final int MAX_HEADER_BLOCK = 16 * 1024;

    SpdyCodec() {
        super(SpdyVersion.SPDY_3_1, MAX_CHUNK, MAX_HEADER_BLOCK, 6, 15, 8);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf) {
            ctx.write(msg, promise);
        } else {
            super.write(ctx, msg, promise);
        }
    }
}
