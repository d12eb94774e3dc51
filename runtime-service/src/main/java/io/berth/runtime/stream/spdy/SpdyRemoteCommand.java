package io.berth.runtime.stream.spdy;

import io.berth.runtime.stream.AttachStreamRequest;
import io.berth.runtime.stream.CommandStatus;
import io.berth.runtime.stream.ExecStreamRequest;
import io.berth.runtime.stream.RemoteCommand;
import io.berth.runtime.stream.StdioOptions;
import io.berth.runtime.stream.StreamRequest;
import io.berth.runtime.stream.StreamRuntime;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exec or attach over SPDY: collects the streams the client opens (by their
 * streamType header), starts once every expected one has arrived, and gives
 * up if they do not within the creation timeout (kubelet
 * pkg/cri/streaming/remotecommand/httpstream.go: one error stream, one per
 * requested stdio stream, and resize from v3 on when there is a tty).
 */
final class SpdyRemoteCommand implements SpdyStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SpdyRemoteCommand.class);

    private final StreamRuntime runtime;
    private final StreamRequest request;
    private final StdioOptions stdio;
    private final String protocol;
    private final Channel channel;
    private final Duration closeGrace;
    private final ScheduledFuture<?> creationTimeout;
    private final int expected;
    private SpdyStream error;
    private SpdyStream stdin;
    private SpdyStream stdout;
    private SpdyStream stderr;
    private SpdyStream resize;
    private int received;
    private RemoteCommand command;

    SpdyRemoteCommand(StreamRuntime runtime, StreamRequest request, String protocol, Channel channel,
            Duration creationTimeout, Duration closeGrace) {
        this.runtime = runtime;
        this.request = request;
        this.stdio = switch (request) {
            case ExecStreamRequest exec -> exec.stdio();
            case AttachStreamRequest attach -> attach.stdio();
            default -> throw new IllegalArgumentException(request.kind());
        };
        this.protocol = protocol;
        this.channel = channel;
        this.closeGrace = closeGrace;
        this.expected = 1 + count(stdio.stdin()) + count(stdio.stdout()) + count(stdio.stderr())
                + count(stdio.tty() && SpdyProtocols.supportsResize(protocol));
        this.creationTimeout = channel.eventLoop().schedule(this::timedOut,
                creationTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String check(SpdyStream stream) {
        // Like the kubelet, accept every stream; unknown types are simply not used.
        return null;
    }

    @Override
    public void accepted(SpdyStream stream) {
        String type = String.valueOf(stream.header("streamType"));
        if (!assign(type, stream)) {
            LOG.debug("ignoring stream {} of type {}", stream.id(), type);
            return;
        }
        if (++received == expected && command == null) {
            start();
        }
    }

    // Takes the first stream of each type the session asked for; a repeat or an unrequested type is ignored.
    private boolean assign(String type, SpdyStream stream) {
        switch (type) {
            case "error" -> {
                if (error != null) {
                    return false;
                }
                error = stream;
            }
            case "stdin" -> {
                if (!stdio.stdin() || stdin != null) {
                    return false;
                }
                stdin = stream;
            }
            case "stdout" -> {
                if (!stdio.stdout() || stdout != null) {
                    return false;
                }
                stdout = stream;
            }
            case "stderr" -> {
                if (!stdio.stderr() || stderr != null) {
                    return false;
                }
                stderr = stream;
            }
            case "resize" -> {
                if (!stdio.tty() || resize != null || !SpdyProtocols.supportsResize(protocol)) {
                    return false;
                }
                resize = stream;
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void start() {
        creationTimeout.cancel(false);
        if (SpdyProtocols.V1.equals(protocol) && stdin != null) {
            // Version 1 servers half-closed stdin at once; clients of that version expect it.
            stdin.out().close();
        }
        RemoteCommand.Streams streams = new RemoteCommand.Streams(
                stdin == null ? null : stdin.in(),
                stdout == null ? null : stdout.out(),
                stderr == null ? null : stderr.out(),
                error.out(),
                resize == null ? null : resize.in(),
                SpdyProtocols.V4.equals(protocol) ? CommandStatus.JSON : CommandStatus.TEXT);
        command = new RemoteCommand(runtime, request, streams, this::finish);
        command.start();
    }

    // Closing first could cut output the client has not read yet: the Go client drops frames still
    // queued when its connection ends. So wait for the client to close, up to a grace period.
    private void finish() {
        try {
            channel.eventLoop().schedule(() -> channel.close(), closeGrace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            channel.close();
        }
    }

    private void timedOut() {
        if (command == null) {
            LOG.info("{}: client opened {} of {} streams in time; closing", request.kind(), received, expected);
            channel.close();
        }
    }

    @Override
    public void closed() {
        creationTimeout.cancel(false);
        if (command != null) {
            command.cancel();
        }
    }

    private static int count(boolean b) {
        return b ? 1 : 0;
    }
}
