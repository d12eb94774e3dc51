package io.berth.runtime.stream.spdy;

import io.berth.runtime.stream.PortForwardStreamRequest;
import io.berth.runtime.config.StreamConfig;
import io.berth.runtime.stream.StreamRequest;
import io.berth.runtime.stream.StreamRuntime;
import io.berth.runtime.stream.http.HttpResponses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP/1.1 Upgrade to SPDY/3.1 with protocol negotiation
 * (k8s.io/apimachinery util/httpstream Handshake and spdy ResponseUpgrader):
 * the server picks the first of the client's X-Stream-Protocol-Version offers
 * it supports, answers 403 listing its own when there is none, and after
 * 101 the connection speaks SPDY frames.
 */
public final class SpdyUpgrade {

    static final String PROTOCOL_HEADER = "X-Stream-Protocol-Version";
    static final String ACCEPTED_HEADER = "X-Accepted-Stream-Protocol-Versions";
    private static final String SPDY = "SPDY/3.1";
    // After the outcome is written, how long the client gets to close the connection itself.
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(30);

    private SpdyUpgrade() {
    }

    /** Answers {@code req} (already holding a consumed token) and switches the connection to SPDY. */
    public static void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, StreamRequest request,
            StreamRuntime runtime, StreamConfig config) {
        boolean portForward = request instanceof PortForwardStreamRequest;
        List<String> supported = portForward ? SpdyProtocols.PORT_FORWARDING : SpdyProtocols.REMOTE_COMMAND;
        List<String> offers = HttpResponses.listHeader(req, PROTOCOL_HEADER);
        if (offers.isEmpty()) {
            HttpResponses.send(ctx, req, HttpResponseStatus.BAD_REQUEST,
                    "unable to upgrade: " + PROTOCOL_HEADER + " is required");
            return;
        }
        String chosen = offers.stream().filter(supported::contains).findFirst().orElse(null);
        if (chosen == null) {
            var response = HttpResponses.text(req, HttpResponseStatus.FORBIDDEN,
                    "unable to upgrade: unable to negotiate protocol: client supports " + offers
                            + ", server accepts " + supported);
            supported.forEach(p -> response.headers().add(ACCEPTED_HEADER, p));
            HttpResponses.send(ctx, response, false);
            return;
        }
        if (!isSpdyUpgrade(req)) {
            HttpResponses.send(ctx, req, HttpResponseStatus.BAD_REQUEST,
                    "unable to upgrade: missing upgrade headers in request");
            return;
        }
        var response = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.SWITCHING_PROTOCOLS);
        response.headers().set(HttpHeaderNames.CONNECTION, "Upgrade");
        response.headers().set(HttpHeaderNames.UPGRADE, SPDY);
        response.headers().set(PROTOCOL_HEADER, chosen);
        ctx.writeAndFlush(response);
        switchPipeline(ctx, handler(ctx, request, runtime, config, chosen));
    }

    private static SpdyStreamHandler handler(ChannelHandlerContext ctx, StreamRequest request, StreamRuntime runtime,
            StreamConfig config, String protocol) {
        if (request instanceof PortForwardStreamRequest pf) {
            return new SpdyPortForward(runtime, pf, ctx.channel(), config.streamCreationTimeout());
        }
        return new SpdyRemoteCommand(runtime, request, protocol, ctx.channel(), config.streamCreationTimeout(),
                CLOSE_GRACE);
    }

    // The HTTP codec goes last: removing it hands any bytes it still holds to the SPDY codec.
    private static void switchPipeline(ChannelHandlerContext ctx, SpdyStreamHandler handler) {
        ChannelPipeline p = ctx.pipeline();
        p.addAfter(HttpResponses.CODEC, "spdy-codec", new SpdyCodec());
        p.addAfter("spdy-codec", "spdy-connection", new SpdyConnection(handler));
        p.remove(HttpResponses.AGGREGATOR);
        p.remove(ctx.handler());
        p.remove(HttpResponses.CODEC);
    }

    private static boolean isSpdyUpgrade(FullHttpRequest req) {
        String connection = req.headers().get(HttpHeaderNames.CONNECTION, "").toLowerCase(Locale.ROOT);
        return connection.contains("upgrade") && SPDY.equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE));
    }
}
