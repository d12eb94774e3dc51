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
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code berthd aot-train}: the workload bin/berthd records into the JDK AOT
 * cache. It starts a daemon on a private temporary socket, makes real gRPC
 * round trips and a metrics scrape, and stops, so the classes of start-up and
 * of a first RPC are already loaded and linked when berthd really starts.
 */
final class AotTraining {

    private AotTraining() {
    }

    static int run(PrintStream err) {
        LogSetup.configure("error");
        Path dir = null;
        try {
            dir = Files.createTempDirectory("berth-aot-");
            // Through a real file and real flags, so TOML parsing is trained as well.
            Path file = dir.resolve("berth.toml");
            Files.writeString(file, DefaultConfigWriter.write(new BerthConfig("unix://" + dir.resolve("berth.sock"),
                    dir.resolve("root").toString(), dir.resolve("state").toString(), "error",
                    CgroupConfig.defaults(), new MetricsConfig("127.0.0.1:0"))));
            BerthConfig config = Berthd.effectiveConfig(CommandLine.parse(new String[] {"--config", file.toString(),
                "--log-level", "error"}));
            Daemon daemon = Daemon.start(config);
            try {
                exercise(daemon);
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

    private static void exercise(Daemon daemon) throws IOException, InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(daemon.socket().toFile()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(group)
                .usePlaintext()
                .build();
        try {
            var stub = RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
            stub.version(VersionRequest.getDefaultInstance());
            stub.status(StatusRequest.newBuilder().setVerbose(true).build());
            stub.runtimeConfig(RuntimeConfigRequest.getDefaultInstance());
            try {
                stub.listPodSandbox(ListPodSandboxRequest.getDefaultInstance());
            } catch (StatusRuntimeException expected) {
                // Unimplemented for now; the error path is worth training too.
            }
        } finally {
            channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
        if (daemon.metricsPort().isPresent()) {
            URI metrics = URI.create("http://127.0.0.1:" + daemon.metricsPort().get() + "/metrics");
            try (InputStream in = metrics.toURL().openStream()) {
                in.readAllBytes();
            }
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
