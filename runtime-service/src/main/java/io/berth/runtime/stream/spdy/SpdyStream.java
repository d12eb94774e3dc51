package io.berth.runtime.stream.spdy;

import io.berth.runtime.stream.io.ConnectionGate;
import io.berth.runtime.stream.io.InboundPipe;
import io.berth.runtime.stream.io.OutboundStream;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.util.Map;

/** One client-opened SPDY stream: its headers, the bytes it carries in and the bytes we send out. */
public final class SpdyStream {

    private final int id;
    private final Map<String, String> headers;
    private final InboundPipe in;
    private final OutboundStream out;

    SpdyStream(int id, Map<String, String> headers, ConnectionGate gate) {
        this.id = id;
        this.headers = Map.copyOf(headers);
        this.in = new InboundPipe(gate);
        this.out = new OutboundStream(gate, new OutboundStream.Framing() {
            @Override
            public int maxPayload() {
                return SpdyFrames.MAX_DATA;
            }

            @Override
            public Object data(ByteBufAllocator alloc, byte[] b, int off, int len) {
                return SpdyFrames.data(alloc, id, b, off, len, false);
            }

            @Override
            public Object end(ByteBufAllocator alloc) {
                return SpdyFrames.data(alloc, id, new byte[0], 0, 0, true);
            }
        });
    }

    public int id() {
        return id;
    }

    /** A header the client sent; names are lower case on the wire (SPDY/3). */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    public InboundPipe in() {
        return in;
    }

    public OutboundStream out() {
        return out;
    }

    void reset() {
        in.fail(new IOException("stream " + id + " reset by the client"));
        out.abort();
    }
}
