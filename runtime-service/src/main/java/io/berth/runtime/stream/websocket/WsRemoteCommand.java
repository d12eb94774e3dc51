package io.berth.runtime.stream.websocket;

import io.berth.runtime.stream.CommandStatus;
import io.berth.runtime.stream.RemoteCommand;
import io.berth.runtime.stream.StdioOptions;
import io.berth.runtime.stream.StreamRequest;
import io.berth.runtime.stream.StreamRuntime;
import io.berth.runtime.stream.io.InboundPipe;
import io.berth.runtime.stream.io.OutboundStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * Exec or attach over WebSocket: channel 0 stdin, 1 stdout, 2 stderr, 3 error,
 * 4 resize (kubelet pkg/cri/streaming/remotecommand/websocket.go). Every
 * channel exists from the start; v5 clients end stdin with a close-channel
 * message, older ones only by closing the connection.
 */
final class WsRemoteCommand implements WsConnection.Listener {

    static final int STDIN = 0;
    static final int STDOUT = 1;
    static final int STDERR = 2;
    static final int ERROR = 3;
    static final int RESIZE = 4;

    private final InboundPipe stdin;
    private final InboundPipe resize;
    private final RemoteCommand command;

    WsRemoteCommand(WsConnection connection, StreamRuntime runtime, StreamRequest request, StdioOptions stdio,
            String protocol) {
        stdin = stdio.stdin() ? new InboundPipe(connection.gate()) : null;
        resize = stdio.tty() ? new InboundPipe(connection.gate()) : null;
        OutboundStream stdout = stdio.stdout() ? connection.outbound(STDOUT) : null;
        OutboundStream stderr = stdio.stderr() ? connection.outbound(STDERR) : null;
        OutboundStream error = connection.outbound(ERROR);
        CommandStatus status = WsProtocols.hasJsonStatus(protocol) ? CommandStatus.JSON : CommandStatus.TEXT;
        command = new RemoteCommand(runtime, request,
                new RemoteCommand.Streams(stdin, stdout, stderr, error, resize, status), connection::finish);
        // An empty message on the lowest writable channel tells the client the session is up.
        int first = stdio.stdout() ? STDOUT : stdio.stderr() ? STDERR : ERROR;
        Channel channel = connection.gate().channel();
        channel.writeAndFlush(connection.frame(channel.alloc(), first, new byte[0], 0, 0));
    }

    void start() {
        command.start();
    }

    @Override
    public void message(int channel, ByteBuf data) {
        InboundPipe pipe = pipe(channel);
        if (pipe == null) {
            data.release();
        } else {
            pipe.offer(data);
        }
    }

    @Override
    public void channelClosed(int channel) {
        InboundPipe pipe = pipe(channel);
        if (pipe != null) {
            pipe.end();
        }
    }

    @Override
    public void closed() {
        command.cancel();
    }

    private InboundPipe pipe(int channel) {
        return switch (channel) {
            case STDIN -> stdin;
            case RESIZE -> resize;
            default -> null;
        };
    }
}
