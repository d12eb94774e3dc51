package io.berth.runtime.stream.websocket;

import io.berth.common.error.InvalidArgumentException;
import io.berth.runtime.stream.AttachStreamRequest;
import io.berth.runtime.stream.ExecStreamRequest;
import io.berth.runtime.stream.PortForwardStreamRequest;
import io.berth.runtime.stream.StdioOptions;
import io.berth.runtime.stream.StreamRequest;
import io.berth.runtime.stream.StreamRuntime;
import io.berth.runtime.stream.http.HttpResponses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The WebSocket handshake for exec, attach and port-forward. The client's
 * subprotocol order decides; offering only unknown ones is refused with 403;
 * offering none means channel.k8s.io (apimachinery wsstream).
 */
public final class WebSocketUpgrade {

    private static final int MAX_MESSAGE = 8 << 20;

    private WebSocketUpgrade() {
    }

    public static void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri,
            StreamRequest request, StreamRuntime runtime) {
        boolean portForward = request instanceof PortForwardStreamRequest;
        List<String> supported = portForward ? WsProtocols.PORT_FORWARDING : WsProtocols.REMOTE_COMMAND;
        List<String> offers = HttpResponses.listHeader(req, HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        String chosen = offers.isEmpty() ? WsProtocols.NONE
                : offers.stream().filter(supported::contains).findFirst().orElse(null);
        if (chosen == null) {
            HttpResponses.send(ctx, HttpResponses.text(req, HttpResponseStatus.FORBIDDEN,
                    "requested protocol(s) are not supported: " + offers + "; supports " + supported), false);
            return;
        }
        List<Integer> ports = List.of();
        if (request instanceof PortForwardStreamRequest pf) {
            try {
                ports = ports(uri, pf);
            } catch (InvalidArgumentException e) {
                HttpResponses.send(ctx, req, HttpResponseStatus.BAD_REQUEST, e.getMessage());
                return;
            }
        }
        String location = "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + req.uri();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(location,
                chosen.isEmpty() ? null : chosen, false, MAX_MESSAGE).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        handshaker.handshake(ctx.channel(), req);
        WsConnection connection = new WsConnection(chosen);
        ctx.pipeline().addAfter(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE));
        ctx.pipeline().addAfter("ws-aggregator", "ws-connection", connection);
        ctx.pipeline().remove(ctx.handler());
        start(connection, request, runtime, chosen, ports);
    }

    private static void start(WsConnection connection, StreamRequest request, StreamRuntime runtime, String protocol,
            List<Integer> ports) {
        if (request instanceof PortForwardStreamRequest pf) {
            WsPortForward forward = new WsPortForward(connection, runtime, pf, ports);
            connection.listen(forward);
            try {
                forward.start();
            } catch (IOException e) {
                connection.gate().channel().close();
            }
            return;
        }
        StdioOptions stdio = switch (request) {
            case ExecStreamRequest exec -> exec.stdio();
            case AttachStreamRequest attach -> attach.stdio();
            default -> throw new IllegalStateException(request.kind());
        };
        WsRemoteCommand command = new WsRemoteCommand(connection, runtime, request, stdio, protocol);
        connection.listen(command);
        command.start();
    }

    // Ports come from ?port=A&port=B or ?port=A,B (kubelet NewV4Options); without them, the request's.
    private static List<Integer> ports(QueryStringDecoder uri, PortForwardStreamRequest request) {
        List<Integer> ports = new ArrayList<>();
        for (String value : uri.parameters().getOrDefault("port", List.of())) {
            for (String part : value.split(",")) {
                int port;
                try {
                    port = Integer.parseInt(part.trim());
                } catch (NumberFormatException e) {
                    throw new InvalidArgumentException("unable to parse \"" + part + "\" as a port");
                }
                if (port < 1 || port > 65535 || !request.allows(port)) {
                    throw new InvalidArgumentException("port " + port + " cannot be forwarded to sandbox "
                            + request.sandboxId());
                }
                ports.add(port);
            }
        }
        if (ports.isEmpty()) {
            ports.addAll(request.ports());
        }
        if (ports.isEmpty()) {
            throw new InvalidArgumentException("query parameter \"port\" is required");
        }
        return ports;
    }

}
