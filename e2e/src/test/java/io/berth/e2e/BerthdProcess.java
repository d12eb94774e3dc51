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
    private final Extra extra;
    private EventLoopGroup loop;
    private ManagedChannel channel;

    /**
     * Config beyond the private defaults: lines for the [cni] table and whole
     * tables after it (TOML: top-level keys cannot follow a table).
     */
    record Extra(String cniKeys, String tables) {
        static final Extra NONE = new Extra("", "");
    }

    private BerthdProcess(Path dir, Path socket, Path log, Process process, Extra extra) {
        this.dir = dir;
        this.socket = socket;
        this.log = log;
        this.process = process;
        this.extra = extra;
    }

    /** Starts berthd with its state under {@code dir}, serving on {@code socket}; does not wait. */
    static BerthdProcess launch(Path dir, Path socket) throws IOException {
        return launch(dir, socket, Extra.NONE);
    }

    static BerthdProcess launch(Path dir, Path socket, Extra extra) throws IOException {
        Files.createDirectories(dir);
        Path config = dir.resolve("berth.toml");
        // Port 0: concurrent runs on one machine must not fight over 9735.
        // A private CNI directory: the default network berthd writes must not land in the host's /etc.
        Files.writeString(config, "log_level = \"debug\"\n[metrics]\naddress = \"127.0.0.1:0\"\n"
                + "[cni]\nconf_dir = \"" + dir.resolve("net.d") + "\"\nnetns_dir = \"" + dir.resolve("netns") + "\"\n"
                + extra.cniKeys() + extra.tables());
        Path log = dir.resolve("berthd.log");
        List<String> cmd = new ArrayList<>(List.of(REPO.resolve("bin/berthd").toString(),
                "--config", config.toString(), "--socket", "unix://" + socket,
                "--root", dir.resolve("root").toString(), "--state", dir.resolve("state").toString()));
        // Appended: a restarted daemon's log follows the first one's, so a failure shows both.
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new BerthdProcess(dir, socket, log, p, extra);
    }

    /** Starts berthd and waits until it answers Version on its socket. */
    static BerthdProcess start(Path dir) throws Exception {
        return start(dir, Extra.NONE);
    }

    static BerthdProcess start(Path dir, Extra extra) throws Exception {
        BerthdProcess d = launch(dir, dir.resolve("run/berth.sock"), extra);
        d.awaitReady();
        return d;
    }

    /** A new berthd over the same directories, socket and config (after this one stopped or was killed). */
    BerthdProcess restart() throws Exception {
        if (process.isAlive()) {
            throw new IllegalStateException("berthd " + process.pid() + " still runs");
        }
        BerthdProcess d = launch(dir, socket, extra);
        d.awaitReady();
        return d;
    }

    /** SIGKILL, as a crash or OOM kill would: nothing of berthd's own shutdown runs. */
    void kill9() throws InterruptedException {
        closeClient();
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new AssertionError("berthd " + process.pid() + " survived SIGKILL");
        }
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
