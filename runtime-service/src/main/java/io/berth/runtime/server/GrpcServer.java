package io.berth.runtime.server;

import io.berth.cri.v1.ImageServiceGrpc;
import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.runtime.grpc.OffLoopDispatch;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CRI gRPC server on its unix socket (Netty epoll). Handlers run on
 * virtual threads because most of them block on processes and disk; the few
 * that only read memory ({@link #ON_LOOP}) run on the event loop itself, since
 * the kubelet polls them constantly and two thread hand-offs per call cost
 * more than the call (milliseconds each when the node's cores are busy).
 * One event-loop thread accepts and serves every connection: a node has one
 * kubelet (plus an occasional crictl), gRPC reads and parses each call on the
 * loop and {@link OffLoopDispatch} hands only the handler to a virtual thread,
 * and every extra platform thread costs the daemon a stack and a malloc arena
 * for as long as it runs.
 */
public final class GrpcServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcServer.class);
    /** The kubelet's own client limit; ListContainers on a busy node gets large. */
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /**
     * Calls answered from in-memory records without locks, disk or processes.
     * Anything that may wait must stay off this list: it would stall every call.
     * One bounded exception: a verbose ContainerStatus (crictl inspect, never the
     * kubelet) reads the container's own config.json, a few KiB berthd wrote.
     */
    static final Set<String> ON_LOOP = Set.of(
            RuntimeServiceGrpc.getVersionMethod().getFullMethodName(),
            RuntimeServiceGrpc.getPodSandboxStatusMethod().getFullMethodName(),
            RuntimeServiceGrpc.getListPodSandboxMethod().getFullMethodName(),
            RuntimeServiceGrpc.getContainerStatusMethod().getFullMethodName(),
            RuntimeServiceGrpc.getListContainersMethod().getFullMethodName(),
            // ImageStore readers lock nothing (writers publish whole snapshots). A verbose
            // ImageStatus reads the image config from disk: its handler moves that one to a
            // virtual thread itself (OffLoopDispatch decides by method, not by request).
            ImageServiceGrpc.getListImagesMethod().getFullMethodName(),
            ImageServiceGrpc.getImageStatusMethod().getFullMethodName());

    private final Path socket;
    private final Server server;
    private final SocketGuard guard;
    private final EventLoopGroup loop;
    private final ExecutorService executor;

    private GrpcServer(Path socket, Server server, SocketGuard guard, EventLoopGroup loop, ExecutorService executor) {
        this.socket = socket;
        this.server = server;
        this.guard = guard;
        this.loop = loop;
        this.executor = executor;
    }

    /** Claims {@code socket} (refusing if a live daemon has it), binds and starts serving. */
    public static GrpcServer start(Path socket, List<BindableService> services, ServerInterceptor interceptor)
            throws StartupException, IOException {
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("berth-grpc", true), EpollIoHandler.newFactory());
        SocketGuard guard;
        try {
            guard = SocketGuard.claim(socket, loop);
        } catch (StartupException | IOException | RuntimeException e) {
            loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(loop)
                .workerEventLoopGroup(loop)
                .directExecutor()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES);
        OffLoopDispatch dispatch = new OffLoopDispatch(ON_LOOP, executor);
        // The last interceptor is the outermost: the dispatch wraps the error mapping.
        services.forEach(s -> builder.addService(ServerInterceptors.intercept(s, interceptor, dispatch)));
        GrpcServer server = new GrpcServer(socket, builder.build(), guard, loop, executor);
        try {
            server.server.start();
            SocketGuard.restrictSocket(socket);
        } catch (IOException | RuntimeException e) {
            server.shutdown(Duration.ZERO);
            throw new StartupException("cannot serve on " + socket + ": " + e.getMessage(), e);
        }
        return server;
    }

    public Path socket() {
        return socket;
    }

    /**
     * Stops accepting calls, lets in-flight ones finish for up to {@code grace},
     * cancels the rest, and removes the socket file.
     */
    public void shutdown(Duration grace) {
        server.shutdown();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("in-flight RPCs did not finish within {} s; cancelling them", grace.toSeconds());
                server.shutdownNow();
                server.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("cannot remove socket {}: {}", socket, e.getMessage());
        }
        try {
            guard.close();
        } catch (IOException e) {
            LOG.warn("cannot release the socket lock: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
