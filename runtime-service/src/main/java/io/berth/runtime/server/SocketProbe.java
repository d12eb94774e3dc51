package io.berth.runtime.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Tells whether something listens on a unix socket file, and if so which
 * process: SO_PEERCRED on a real connection gives its pid.
 */
final class SocketProbe {

    /** What was found on the socket. {@code pid} is 0 when unknown. */
    sealed interface Result {
        record Nobody(String why) implements Result {
        }

        record Listening(int pid) implements Result {
        }
    }

    private SocketProbe() {
    }

    static Result probe(Path socket, EventLoopGroup group, Duration timeout) {
        ChannelFuture connect = new Bootstrap()
                .group(group)
                .channel(EpollDomainSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInboundHandlerAdapter())
                .connect(new DomainSocketAddress(socket.toFile()));
        if (!connect.awaitUninterruptibly(timeout.toMillis() + 500)) {
            // Someone holds the file and does not accept in time: not ours to delete.
            connect.cancel(false);
            return new Result.Listening(0);
        }
        if (connect.isSuccess()) {
            EpollDomainSocketChannel channel = (EpollDomainSocketChannel) connect.channel();
            try {
                return new Result.Listening(channel.peerCredentials().pid());
            } catch (java.io.IOException e) {
                return new Result.Listening(0);
            } finally {
                channel.close().awaitUninterruptibly();
            }
        }
        if (connect.cause() instanceof ConnectException refused) {
            return new Result.Nobody(refused.getMessage());
        }
        return new Result.Listening(0);
    }
}
