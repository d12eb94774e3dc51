package io.berth.e2e.bench;

import io.berth.cri.v1.ImageServiceGrpc;
import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.cri.v1.VersionRequest;
import io.berth.cri.v1.VersionResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one CRI client every runtime is driven through: generated stubs over a
 * unix socket (Netty epoll), so no runtime gets a transport of its own.
 */
final class CriClient implements AutoCloseable {

    /** Generous: a 200 MB pull on a loaded two-core machine takes a while. */
    private static final long DEADLINE_S = 600;

    private final EventLoopGroup loop;
    private final ManagedChannel channel;

    CriClient(Path socket) {
        loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(loop)
                .usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build();
    }

    RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS);
    }

    ImageServiceGrpc.ImageServiceBlockingStub images() {
        return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS);
    }

    /** Waits until the daemon answers Version on {@code socket}; {@code alive} says whether it still runs. */
    VersionResponse awaitReady(Path socket, Supplier<Boolean> alive, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        StatusRuntimeException last = null;
        while (System.nanoTime() < end) {
            if (!alive.get()) {
                throw new IllegalStateException("the daemon exited before serving " + socket);
            }
            if (Files.exists(socket)) {
                try {
                    return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                            .version(VersionRequest.newBuilder().setVersion("v1").build());
                } catch (StatusRuntimeException notYet) {
                    last = notYet;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no answer on " + socket + " within " + timeout, last);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
}
