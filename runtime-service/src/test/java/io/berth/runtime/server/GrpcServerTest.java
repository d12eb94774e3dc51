package io.berth.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.Image;
import io.berth.cri.v1.ImageServiceGrpc;
import io.berth.cri.v1.ImageSpec;
import io.berth.cri.v1.ImageStatusRequest;
import io.berth.cri.v1.ImageStatusResponse;
import io.berth.cri.v1.ListImagesRequest;
import io.berth.cri.v1.ListImagesResponse;
import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.cri.v1.StatusRequest;
import io.berth.cri.v1.StatusResponse;
import io.berth.cri.v1.VersionRequest;
import io.berth.cri.v1.VersionResponse;
import io.berth.runtime.grpc.ErrorMappingInterceptor;
import io.berth.runtime.grpc.RpcRecorder;
import io.berth.runtime.grpc.ServiceRouter;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real epoll server on a real unix socket; needs no root. */
class GrpcServerTest {

    private static final EventLoopGroup CLIENT_LOOP = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private static final String PID = Long.toString(ProcessHandle.current().pid());

    @TempDir
    Path dir;

    @AfterAll
    static void stopLoop() {
        CLIENT_LOOP.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private static GrpcServer start(Path socket) throws Exception {
        ServiceRouter service = ServiceRouter.builder(RuntimeServiceGrpc.getServiceDescriptor())
                .unary(RuntimeServiceGrpc.getVersionMethod(),
                        r -> VersionResponse.newBuilder().setRuntimeName("test").build())
                .build();
        return GrpcServer.start(socket, List.of(service), new ErrorMappingInterceptor(RpcRecorder.NONE));
    }

    private static ManagedChannel channel(Path socket) {
        return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(CLIENT_LOOP).usePlaintext().build();
    }

    private static String version(Path socket) throws InterruptedException {
        ManagedChannel channel = channel(socket);
        try {
            return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .version(VersionRequest.getDefaultInstance()).getRuntimeName();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** In-memory reads run on the event loop; a call that may block gets a virtual thread. */
    @Test
    void onlyInMemoryCallsRunOnTheEventLoop() throws Exception {
        Path socket = dir.resolve("run/threads.sock");
        ServiceRouter service = ServiceRouter.builder(RuntimeServiceGrpc.getServiceDescriptor())
                .unary(RuntimeServiceGrpc.getVersionMethod(),
                        r -> VersionResponse.newBuilder().setRuntimeName(Thread.currentThread().getName()).build())
                .unary(RuntimeServiceGrpc.getStatusMethod(), r -> StatusResponse.newBuilder()
                        .putInfo("virtual", Boolean.toString(Thread.currentThread().isVirtual())).build())
                .build();
        GrpcServer server = GrpcServer.start(socket, List.of(service), new ErrorMappingInterceptor(RpcRecorder.NONE));
        ManagedChannel channel = channel(socket);
        try {
            var stub = RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
            String versionThread = stub.version(VersionRequest.getDefaultInstance()).getRuntimeName();
            assertTrue(versionThread.startsWith("berth-grpc"), versionThread);
            assertEquals("true", stub.status(StatusRequest.getDefaultInstance()).getInfoOrThrow("virtual"));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    /**
     * The dispatched handler still runs inside its call: it sees the client's deadline,
     * and what it throws reaches the error mapping (a status code, not UNKNOWN).
     */
    @Test
    void aDispatchedHandlerSeesItsDeadlineAndItsErrorsAreMapped() throws Exception {
        Path socket = dir.resolve("run/dispatch.sock");
        ServiceRouter service = ServiceRouter.builder(RuntimeServiceGrpc.getServiceDescriptor())
                .unary(RuntimeServiceGrpc.getStatusMethod(), r -> StatusResponse.newBuilder()
                        .putInfo("deadline", Boolean.toString(io.grpc.Context.current().getDeadline() != null))
                        .build())
                .unary(RuntimeServiceGrpc.getRuntimeConfigMethod(), r -> {
                    throw new io.berth.common.error.NotFoundException("container abc not found");
                })
                .build();
        GrpcServer server = GrpcServer.start(socket, List.of(service), new ErrorMappingInterceptor(RpcRecorder.NONE));
        ManagedChannel channel = channel(socket);
        try {
            var stub = RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
            assertEquals("true", stub.status(StatusRequest.getDefaultInstance()).getInfoOrThrow("deadline"));
            var e = assertThrows(io.grpc.StatusRuntimeException.class,
                    () -> stub.runtimeConfig(io.berth.cri.v1.RuntimeConfigRequest.getDefaultInstance()));
            assertEquals(io.grpc.Status.Code.NOT_FOUND, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("container abc"), e.getStatus().getDescription());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    /**
     * ListImages and ImageStatus read lock-free snapshots on the event loop; a verbose
     * ImageStatus reads a blob, and its handler moves itself off the loop (ImageStatusHandlerTest).
     */
    @Test
    void listImagesAndImageStatusRunOnTheEventLoopAndPullImageDoesNot() throws Exception {
        Path socket = dir.resolve("run/images.sock");
        ServiceRouter service = ServiceRouter.builder(ImageServiceGrpc.getServiceDescriptor())
                .unary(ImageServiceGrpc.getListImagesMethod(), r -> ListImagesResponse.newBuilder()
                        .addImages(Image.newBuilder().setId(Thread.currentThread().getName())).build())
                .unary(ImageServiceGrpc.getImageStatusMethod(), r -> ImageStatusResponse.newBuilder()
                        .putInfo("thread", Thread.currentThread().getName()).build())
                .unary(ImageServiceGrpc.getPullImageMethod(), r -> io.berth.cri.v1.PullImageResponse.newBuilder()
                        .setImageRef(Boolean.toString(Thread.currentThread().isVirtual())).build())
                .build();
        GrpcServer server = GrpcServer.start(socket, List.of(service), new ErrorMappingInterceptor(RpcRecorder.NONE));
        ManagedChannel channel = channel(socket);
        try {
            var stub = ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
            String listThread = stub.listImages(ListImagesRequest.getDefaultInstance()).getImages(0).getId();
            assertTrue(listThread.startsWith("berth-grpc"), listThread);
            ImageSpec busybox = ImageSpec.newBuilder().setImage("busybox").build();
            String statusThread = stub.imageStatus(ImageStatusRequest.newBuilder().setImage(busybox).build())
                    .getInfoOrThrow("thread");
            assertTrue(statusThread.startsWith("berth-grpc"), statusThread);
            assertEquals("true", stub.pullImage(io.berth.cri.v1.PullImageRequest.newBuilder().setImage(busybox)
                    .build()).getImageRef(), "a pull blocks: it runs on a virtual thread");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void servesOnA0660SocketAndRemovesItOnShutdown() throws Exception {
        Path socket = dir.resolve("run/berth.sock");
        GrpcServer server = start(socket);
        try {
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertEquals("test", version(socket));
        } finally {
            server.shutdown(Duration.ofSeconds(2));
        }
        assertFalse(Files.exists(socket));
    }

    @Test
    void replacesAStaleSocketThatNobodyAnswers() throws Exception {
        Path socket = dir.resolve("berth.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "closing a listener leaves its file behind, like a crash");
        GrpcServer server = start(socket);
        try {
            assertEquals("test", version(socket));
        } finally {
            server.close();
        }
    }

    @Test
    void refusesALiveSocketNamingItAndThePidThatAnswers() throws Exception {
        Path socket = dir.resolve("berth.sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(socket));
            StartupException e = assertThrows(StartupException.class, () -> start(socket));
            assertTrue(e.getMessage().contains(socket.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("pid " + PID), e.getMessage());
            assertTrue(Files.exists(socket), "a live socket is never deleted");
        }
    }

    @Test
    void secondServerOnTheSameSocketIsRefusedAndTheFirstKeepsServing() throws Exception {
        Path socket = dir.resolve("berth.sock");
        GrpcServer first = start(socket);
        try {
            StartupException e = assertThrows(StartupException.class, () -> start(socket));
            assertTrue(e.getMessage().contains(socket.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("pid " + PID), e.getMessage());
            assertEquals("test", version(socket));
        } finally {
            first.close();
        }
    }

    @Test
    void refusesAPathThatIsNotASocket() throws Exception {
        Path socket = dir.resolve("berth.sock");
        Files.writeString(socket, "precious");
        StartupException e = assertThrows(StartupException.class, () -> start(socket));
        assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
        assertEquals("precious", Files.readString(socket));
    }

    @Test
    void refusesADirectoryOthersCanWrite() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        StartupException e = assertThrows(StartupException.class, () -> start(open.resolve("berth.sock")));
        assertTrue(e.getMessage().contains("writable by others"), e.getMessage());
    }
}
