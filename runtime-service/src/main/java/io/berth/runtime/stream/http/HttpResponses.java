package io.berth.runtime.stream.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Plain-text HTTP answers for requests that do not become streams, and the pipeline's handler names. */
public final class HttpResponses {

    public static final String CODEC = "http-codec";
    public static final String AGGREGATOR = "http-aggregator";

    private HttpResponses() {
    }

    public static FullHttpResponse text(FullHttpRequest req, HttpResponseStatus status, String body) {
        var response = new DefaultFullHttpResponse(req.protocolVersion(), status,
                Unpooled.copiedBuffer(body + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.headers().set("X-Content-Type-Options", "nosniff");
        HttpUtil.setContentLength(response, response.content().readableBytes());
        return response;
    }

    public static void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String body) {
        send(ctx, text(req, status, body), HttpUtil.isKeepAlive(req));
    }

    /** All values of a header that may repeat and may hold comma-separated lists, in order. */
    public static List<String> listHeader(FullHttpRequest req, CharSequence name) {
        List<String> values = new ArrayList<>();
        for (String value : req.headers().getAll(name)) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    values.add(part.trim());
                }
            }
        }
        return values;
    }

    public static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
