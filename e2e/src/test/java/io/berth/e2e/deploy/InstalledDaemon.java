package io.berth.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The installed launcher started on a private socket, root and state, asked for Version, then stopped. */
final class InstalledDaemon {

    private static final Duration READY = Duration.ofSeconds(90);

    private InstalledDaemon() {
    }

    static void assertServesVersion(Path launcher, Path dir) throws Exception {
        Files.createDirectories(dir);
        Path config = dir.resolve("berth.toml");
        // Port 0: the installed config's 9735 may be in use by another run.
        Files.writeString(config, "[metrics]\naddress = \"127.0.0.1:0\"\n");
        Path socket = dir.resolve("berth.sock");
        Path log = dir.resolve("berthd.log");
        Process p = new ProcessBuilder(List.of(launcher.toString(), "--config", config.toString(),
                "--socket", "unix://" + socket, "--root", dir.resolve("root").toString(),
                "--state", dir.resolve("state").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop).usePlaintext().build();
        try {
            VersionResponse v = awaitVersion(p, RuntimeServiceGrpc.newBlockingStub(channel), socket, log);
            assertEquals("berth", v.getRuntimeName());
            assertEquals("v1", v.getRuntimeApiVersion());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertEquals(0, p.exitValue(), "berthd stops with 0 on SIGTERM:\n" + Files.readString(log));
    }

    private static VersionResponse awaitVersion(Process p, RuntimeServiceGrpc.RuntimeServiceBlockingStub stub,
                                                Path socket, Path log) throws Exception {
        Instant deadline = Instant.now().plus(READY);
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new AssertionError("installed berthd exited " + p.exitValue() + ":\n" + Files.readString(log));
            }
            if (Files.exists(socket)) {
                try {
                    return stub.withDeadlineAfter(2, TimeUnit.SECONDS).version(VersionRequest.getDefaultInstance());
                } catch (StatusRuntimeException notYet) {
                    // The socket file appears just before the server accepts.
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("installed berthd not serving within " + READY + ":\n" + Files.readString(log));
    }
}
