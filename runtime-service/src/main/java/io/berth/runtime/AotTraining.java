package io.berth.runtime;

import io.berth.cri.v1.ImageServiceGrpc;
import io.berth.cri.v1.ListPodSandboxRequest;
import io.berth.cri.v1.RuntimeConfigRequest;
import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.cri.v1.StatusRequest;
import io.berth.cri.v1.VersionRequest;
import io.berth.runtime.config.BerthConfig;
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
 * cached, with the method profiles the JIT starts from (JEP 515). As root,
 * with catatonit at hand, the client also pulls an image and runs containers
 * through their whole lifecycle ({@link AotLifecycleWorkload}): the calls a
 * node serves all day. Everything in the cache is loaded at start-up, so what
 * a daemon does not need stays out: the client and its registry (other
 * process) and the metrics endpoint (disabled here).
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
            Files.writeString(file, config(dir));
            BerthConfig config = Berthd.effectiveConfig(CommandLine.parse(new String[] {"--config", file.toString(),
                "--log-level", "error"}));
            Daemon daemon = Daemon.start(config);
            try {
                runClient(daemon.socket(), dir);
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

    /**
     * Everything the training daemon owns lives under {@code dir}, which is deleted
     * afterwards: no CNI configuration (its pods use the host's network), runc's
     * state, the pinned namespaces. Metrics stay off (see the class comment).
     */
    static String config(Path dir) {
        return "socket = " + quote("unix://" + dir.resolve("berth.sock")) + "\n"
                + "root = " + quote(dir.resolve("root").toString()) + "\n"
                + "state = " + quote(dir.resolve("state").toString()) + "\n"
                + "log_level = \"error\"\n"
                + "[metrics]\naddress = \"\"\n"
                + "[cni]\nconf_dir = " + quote(dir.resolve("cni").toString()) + "\ndefault_network = false\n"
                + "netns_dir = " + quote(dir.resolve("netns").toString()) + "\n"
                + "[runtimes.runc]\nroot = " + quote(dir.resolve("runc").toString()) + "\n";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** {@code berthd aot-train-client SOCKET DIR}: the calls the training daemon serves. */
    static int client(Path socket, Path dir, PrintStream err) {
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
            String cannot = AotLifecycleWorkload.unavailable();
            if (cannot != null) {
                err.println("berthd aot-train: container lifecycle not trained (" + cannot + ")");
                return Berthd.EXIT_OK;
            }
            try {
                new AotLifecycleWorkload(stub, ImageServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(110, TimeUnit.SECONDS), dir).run();
            } catch (StatusRuntimeException | IOException e) {
                // A cache without it is still a good cache: the build goes on.
                err.println("berthd aot-train: container lifecycle not trained: " + e);
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

    private static void runClient(Path socket, Path dir) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process client = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                Berthd.class.getName(), CLIENT_COMMAND, socket.toString(), dir.toString()))
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
