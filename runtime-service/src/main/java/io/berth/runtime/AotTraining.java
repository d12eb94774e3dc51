package io.berth.runtime;

import io.berth.cri.v1.ListPodSandboxRequest;
import io.berth.cri.v1.RuntimeConfigRequest;
import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.cri.v1.StatusRequest;
import io.berth.cri.v1.VersionRequest;
import io.berth.runtime.config.BerthConfig;
import io.berth.runtime.config.CgroupConfig;
import io.berth.runtime.config.DefaultConfigWriter;
import io.berth.runtime.config.MetricsConfig;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code berthd aot-train}: the workload bin/berthd records into the JDK AOT
 * cache. It reads a config file and starts a daemon on a private temporary
 * socket, then has a second JVM ({@code aot-train-client}) make real gRPC
 * round trips, so the classes of start-up and of serving a first RPC are
 * cached. Everything in the cache is loaded at start-up, so what is not needed
 * before the socket is ready stays out: the client (other process) and the
 * metrics endpoint (disabled here; it starts after the socket anyway).
 */
final class AotTraining {

    static final String CLIENT_COMMAND = "aot-train-client";

    private AotTraining() {
    }

    static int run(PrintStream err) {
        LogSetup.configure("error");
        Path dir = null;
        try {
            dir = Files.createTempDirectory("berth-aot-");
            Path file = dir.resolve("berth.toml");
            Files.writeString(file, DefaultConfigWriter.write(new BerthConfig("unix://" + dir.resolve("berth.sock"),
                    dir.resolve("root").toString(), dir.resolve("state").toString(), "error",
                    CgroupConfig.defaults(), new MetricsConfig(""))));
            BerthConfig config = Berthd.effectiveConfig(CommandLine.parse(new String[] {"--config", file.toString(),
                "--log-level", "error"}));
            Daemon daemon = Daemon.start(config);
            try {
                runClient(daemon.socket());
            } finally {
                daemon.stop(Duration.ofSeconds(2));
            }
            return Berthd.EXIT_OK;
        } catch (Exception e) {
            err.println("berthd aot-train: " + e);
            return Berthd.EXIT_FAILED;
        } finally {
            deleteTree(dir);
        }
    }

    /** {@code berthd aot-train-client SOCKET}: the calls the training daemon serves. */
    static int client(Path socket, PrintStream err) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(group)
                .usePlaintext()
                .build();
        try {
            // Generous: the build may run on a machine busy with other builds and tests.
            var stub = RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(110, TimeUnit.SECONDS);
            stub.version(VersionRequest.getDefaultInstance());
            stub.status(StatusRequest.newBuilder().setVerbose(true).build());
            stub.runtimeConfig(RuntimeConfigRequest.getDefaultInstance());
            try {
                stub.listPodSandbox(ListPodSandboxRequest.getDefaultInstance());
            } catch (StatusRuntimeException expected) {
                // The error path (an unimplemented or failing RPC) is worth training too.
            }
            return Berthd.EXIT_OK;
        } catch (StatusRuntimeException e) {
            err.println("berthd aot-train-client: " + e.getStatus());
            return Berthd.EXIT_FAILED;
        } finally {
            channel.shutdownNow();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }

    private static void runClient(Path socket) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process client = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                Berthd.class.getName(), CLIENT_COMMAND, socket.toString()))
                .inheritIO().start();
        if (!client.waitFor(120, TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new IOException("the training client did not finish in 120 s");
        }
        if (client.exitValue() != 0) {
            throw new IOException("the training client failed with exit code " + client.exitValue());
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temp directory is harmless.
        }
    }
}
