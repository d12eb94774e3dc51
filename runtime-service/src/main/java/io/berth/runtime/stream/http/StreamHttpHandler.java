package io.berth.runtime.stream.http;

import io.berth.runtime.config.StreamConfig;
import io.berth.runtime.stream.StreamRequest;
import io.berth.runtime.stream.StreamRuntime;
import io.berth.runtime.stream.TokenCache;
import io.berth.runtime.stream.spdy.SpdyUpgrade;
import io.berth.runtime.stream.websocket.WebSocketUpgrade;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every connection: maps {@code /exec/TOKEN},
 * {@code /attach/TOKEN} and {@code /portforward/TOKEN} to the request the
 * token stands for (using the token up), then hands the connection to the
 * WebSocket or SPDY upgrade. Unknown, used or expired tokens get 404, as
 * from the kubelet's streaming server.
 */
public final class StreamHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(StreamHttpHandler.class);

    private final TokenCache tokens;
    private final StreamRuntime runtime;
    private final StreamConfig config;

    public StreamHttpHandler(TokenCache tokens, StreamRuntime runtime, StreamConfig config) {
        this.tokens = tokens;
        this.runtime = runtime;
        this.config = config;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            HttpResponses.send(ctx, req, HttpResponseStatus.BAD_REQUEST, "malformed request");
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String[] parts = uri.path().split("/");
        if (parts.length != 3 || !parts[0].isEmpty()) {
            HttpResponses.send(ctx, req, HttpResponseStatus.NOT_FOUND, "404 page not found");
            return;
        }
        if (!HttpMethod.GET.equals(req.method()) && !HttpMethod.POST.equals(req.method())) {
            HttpResponses.send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "405 method not allowed");
            return;
        }
        Optional<StreamRequest> request = tokens.consume(parts[2]).filter(r -> r.kind().equals(parts[1]));
        if (request.isEmpty()) {
            HttpResponses.send(ctx, req, HttpResponseStatus.NOT_FOUND, "404 page not found");
            return;
        }
        LOG.debug("{} session from {}", parts[1], ctx.channel().remoteAddress());
        if (isWebSocket(req)) {
            WebSocketUpgrade.upgrade(ctx, req, uri, request.get(), runtime);
        } else {
            SpdyUpgrade.upgrade(ctx, req, request.get(), runtime, config);
        }
    }

    private static boolean isWebSocket(FullHttpRequest req) {
        return "websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))
                && req.headers().get(HttpHeaderNames.CONNECTION, "").toLowerCase(Locale.ROOT).contains("upgrade");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("streaming connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
