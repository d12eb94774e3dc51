package io.berth.e2e;

import io.berth.cri.v1.ImageServiceGrpc;
import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.cri.v1.VersionRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real berthd started through bin/berthd on a private socket, root and
 * state directory, with a CRI client connected over the unix socket. Closing
 * it kills the daemon if it is still running and closes the client.
 */
final class BerthdProcess implements AutoCloseable {

    static final Path REPO = Path.of(System.getProperty("berth.repo", "..")).toAbsolutePath().normalize();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    final Path dir;
    final Path socket;
    final Path log;
    final Process process;
    private EventLoopGroup loop;
    private ManagedChannel channel;

    private BerthdProcess(Path dir, Path socket, Path log, Process process) {
        this.dir = dir;
        this.socket = socket;
        this.log = log;
        this.process = process;
    }

    /** Starts berthd with its state under {@code dir}, serving on {@code socket}; does not wait. */
    static BerthdProcess launch(Path dir, Path socket) throws IOException {
        Files.createDirectories(dir);
        Path config = dir.resolve("berth.toml");
        // Port 0: concurrent runs on one machine must not fight over 9735.
        // A private CNI directory: the default network berthd writes must not land in the host's /etc.
        Files.writeString(config, "log_level = \"debug\"\n[metrics]\naddress = \"127.0.0.1:0\"\n"
                + "[cni]\nconf_dir = \"" + dir.resolve("net.d") + "\"\nnetns_dir = \"" + dir.resolve("netns") + "\"\n");
        Path log = dir.resolve("berthd.log");
        List<String> cmd = new ArrayList<>(List.of(REPO.resolve("bin/berthd").toString(),
                "--config", config.toString(), "--socket", "unix://" + socket,
                "--root", dir.resolve("root").toString(), "--state", dir.resolve("state").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new BerthdProcess(dir, socket, log, p);
    }

    /** Starts berthd and waits until it answers Version on its socket. */
    static BerthdProcess start(Path dir) throws Exception {
        BerthdProcess d = launch(dir, dir.resolve("run/berth.sock"));
        d.awaitReady();
        return d;
    }

    void awaitReady() throws Exception {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("berthd exited with " + process.exitValue() + ":\n" + logText());
            }
            if (Files.exists(socket)) {
                try {
                    runtime().withDeadlineAfter(2, TimeUnit.SECONDS).version(VersionRequest.getDefaultInstance());
                    return;
                } catch (StatusRuntimeException notYet) {
                    // The file appears just before the server accepts; try again.
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("berthd not ready within " + READY_TIMEOUT + ":\n" + logText());
    }

    RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return RuntimeServiceGrpc.newBlockingStub(channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    ImageServiceGrpc.ImageServiceBlockingStub image() {
        return ImageServiceGrpc.newBlockingStub(channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    synchronized ManagedChannel channel() {
        if (channel == null) {
            loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
                    .channelType(EpollDomainSocketChannel.class)
                    .eventLoopGroup(loop)
                    .usePlaintext()
                    .build();
        }
        return channel;
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Sends SIGTERM (Process.destroy does) and waits for the exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        closeClient();
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("berthd did not stop within " + timeout + " of SIGTERM:\n" + logText());
        }
        return process.exitValue();
    }

    private synchronized void closeClient() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            channel = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        closeClient();
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
