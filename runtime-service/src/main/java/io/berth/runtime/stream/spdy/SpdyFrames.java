package io.berth.runtime.stream.spdy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.zip.Deflater;

/**
 * Encodes the frames the server sends (SPDY/3.1 framing, draft 3 section 2).
 * Netty's SpdyFrameCodec decodes what the client sends; it is not used for
 * sending because it encodes a reply without headers as an empty header
 * block, while Go's framer needs a compressed block holding a zero header
 * count and fails the whole connection otherwise. Header compression keeps
 * one zlib context per connection, so an instance belongs to one connection
 * and is used on its event loop only.
 */
final class SpdyFrames {

    static final int MAX_DATA = 64 * 1024;
    static final int RST_PROTOCOL_ERROR = 1;
    static final int RST_REFUSED_STREAM = 3;
    static final int RST_CANCEL = 5;

    private static final int VERSION = 3;
    private static final int SYN_REPLY = 2;
    private static final int RST_STREAM = 3;
    private static final int PING = 6;
    private static final int GOAWAY = 7;
    private static final byte FLAG_FIN = 1;

    private final Deflater deflater = new Deflater();

    SpdyFrames() {
        deflater.setDictionary(SpdyDictionary.BYTES);
    }

    /** SYN_REPLY with an empty header set: the stream is accepted. */
    ByteBuf synReply(ByteBufAllocator alloc, int streamId) {
        byte[] block = compressedEmptyHeaderBlock();
        ByteBuf frame = controlHeader(alloc, SYN_REPLY, 0, 4 + block.length);
        frame.writeInt(streamId & 0x7fffffff);
        frame.writeBytes(block);
        return frame;
    }

    static ByteBuf data(ByteBufAllocator alloc, int streamId, byte[] b, int off, int len, boolean fin) {
        ByteBuf frame = alloc.buffer(8 + len);
        frame.writeInt(streamId & 0x7fffffff);
        frame.writeInt((fin ? FLAG_FIN : 0) << 24 | len);
        frame.writeBytes(b, off, len);
        return frame;
    }

    static ByteBuf rstStream(ByteBufAllocator alloc, int streamId, int status) {
        ByteBuf frame = controlHeader(alloc, RST_STREAM, 0, 8);
        frame.writeInt(streamId & 0x7fffffff);
        frame.writeInt(status);
        return frame;
    }

    static ByteBuf ping(ByteBufAllocator alloc, int id) {
        ByteBuf frame = controlHeader(alloc, PING, 0, 4);
        frame.writeInt(id);
        return frame;
    }

    static ByteBuf goAway(ByteBufAllocator alloc, int lastGoodStreamId, int status) {
        ByteBuf frame = controlHeader(alloc, GOAWAY, 0, 8);
        frame.writeInt(lastGoodStreamId & 0x7fffffff);
        frame.writeInt(status);
        return frame;
    }

    void release() {
        deflater.end();
    }

    private static ByteBuf controlHeader(ByteBufAllocator alloc, int type, int flags, int length) {
        ByteBuf frame = alloc.buffer(8 + length);
        frame.writeShort(0x8000 | VERSION);
        frame.writeShort(type);
        frame.writeInt(flags << 24 | length);
        return frame;
    }

    // A header block is a 32-bit count followed by name/value pairs; ours is just the count.
    private byte[] compressedEmptyHeaderBlock() {
        deflater.setInput(new byte[4]);
        byte[] out = new byte[64];
        int n = 0;
        while (true) {
            n += deflater.deflate(out, n, out.length - n, Deflater.SYNC_FLUSH);
            if (n < out.length) {
                break;
            }
            out = java.util.Arrays.copyOf(out, out.length * 2);
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
