package io.berth.runtime.stream.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cni.netns.NetnsManager;
import io.berth.cni.netns.NetnsThreads;
import io.berth.common.error.NotFoundException;
import io.berth.common.exec.Command;
import io.berth.common.exec.CommandResult;
import io.berth.common.exec.CommandRunner;
import io.berth.runtime.shim.ExitWatcher;
import io.berth.runtime.shim.NativeShimLauncher;
import io.berth.runtime.shim.ShimConfig;
import io.berth.runtime.shim.ShimProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Real parts for the streaming IT: a busybox container run by runc under
 * berth-shim (stdin open, printing what it reads), a network namespace with an
 * echo server on its loopback, and one on the host's. Unique names; {@link #close}
 * removes the container, shim, netns, cgroups and files.
 */
public final class StreamWorld implements ContainerStreams, AutoCloseable {

    public static final String CONTAINER = "c";
    public static final String POD = "pod";
    public static final String HOST_POD = "hostpod";
    private static final String[] APPLETS = {"sh", "sleep", "cat", "echo", "head", "stty", "test", "true", "dd"};

    final String token = "bs" + HexFormat.of().formatHex(SecureRandom.getSeed(4));
    final Path dir = Path.of("/tmp", token);
    final Path runDir = dir.resolve("r");
    final Path exitDir = dir.resolve("exit");
    final Path runcRoot = dir.resolve("runc");
    final String cgroupParent = "/" + token;
    final String containerId = token + "-c";
    final NetnsManager netns = new NetnsManager(dir.resolve("netns"));
    final Path pin = netns.pinPath(NetnsManager.PREFIX + token);
    private final CommandRunner commands = CommandRunner.system();
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private ExitWatcher exits;
    private NativeShimLauncher launcher;
    private ShimProcess shim;
    public int podPort;
    public int hostPort;

    public StreamWorld start() throws Exception {
        for (Path d : List.of(runDir, exitDir, runcRoot, dir.resolve("exec"))) {
            Files.createDirectories(d);
        }
        exits = new ExitWatcher(exitDir);
        launcher = new NativeShimLauncher(locateShim());
        Path bundle = bundle();
        shim = launcher.start(ShimConfig.container(containerId, bundle, dir.resolve("c.log"), exitDir.resolve(containerId),
                runDir.resolve("c.sock")).withRuntime("runc", List.of("--root=" + runcRoot))
                .withStdio(new ShimConfig.Stdio(false, true, false)));
        netns.create(pin);
        run("nsenter", "--net=" + pin, "ip", "link", "set", "lo", "up");
        podPort = echoServer(NetnsThreads.callIn(pin, StreamWorld::listenOnLoopback));
        hostPort = echoServer(listenOnLoopback());
        return this;
    }

    private static Path locateShim() {
        Path p = Path.of("..", "shim", "target", "berth-shim").toAbsolutePath().normalize();
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException("berth-shim not built at " + p + ": run `make -C shim`");
        }
        return p;
    }

    private Path bundle() throws IOException {
        Path rootfs = dir.resolve("rootfs");
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String a : APPLETS) {
            Files.createSymbolicLink(bin.resolve(a), Path.of("busybox"));
        }
        for (String d : List.of("proc", "dev", "sys", "tmp")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Path b = Files.createDirectories(dir.resolve("bundle"));
        run("runc", "spec", "--bundle", b.toString());
        ObjectMapper json = new ObjectMapper();
        ObjectNode cfg = (ObjectNode) json.readTree(b.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) cfg.get("process");
        process.put("terminal", false);
        ArrayNode args = process.putArray("args");
        List.of("sh", "-c", "echo ready; while read l; do echo got:$l; done").forEach(args::add);
        ((ObjectNode) cfg.get("root")).put("path", rootfs.toString()).put("readonly", false);
        ((ObjectNode) cfg.get("linux")).put("cgroupsPath", cgroupParent + "/" + containerId);
        json.writeValue(b.resolve("config.json").toFile(), cfg);
        return b;
    }

    private static ServerSocketChannel listenOnLoopback() throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return s;
    }

    /** Echoes every connection until EOF; returns the port. */
    private int echoServer(ServerSocketChannel server) throws IOException {
        listeners.add(server);
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    SocketChannel c = server.accept();
                    Thread.ofVirtual().start(() -> echo(c));
                }
            } catch (IOException e) {
                // closed by close()
            }
        });
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    private static void echo(SocketChannel c) {
        try (c) {
            ByteBuffer b = ByteBuffer.allocate(64 << 10);
            while (c.read(b) >= 0) {
                b.flip();
                while (b.hasRemaining()) {
                    c.write(b);
                }
                b.clear();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    public long shimPid() {
        return shim.shimPid();
    }

    @Override
    public RunningContainer running(String id) {
        if (!CONTAINER.equals(id)) {
            throw new NotFoundException("container \"" + id + "\" not found");
        }
        RunningContainer.ExecEnv env = new RunningContainer.ExecEnv("runc", List.of("--root=" + runcRoot), launcher,
                exits, dir.resolve("exec"), exitDir, runDir);
        return new RunningContainer(containerId, dir.resolve("bundle").resolve("config.json"), runDir.resolve("c.sock"),
                true, false, false, env);
    }

    @Override
    public PodNetns readySandbox(String id) {
        return switch (id) {
            case POD -> new PodNetns(POD, pin);
            case HOST_POD -> new PodNetns(HOST_POD, null);
            default -> throw new NotFoundException("pod sandbox \"" + id + "\" not found");
        };
    }

    private CommandResult run(String... argv) throws IOException {
        CommandResult r = commands.run(Command.of(Duration.ofSeconds(30), argv));
        if (r.exitCode() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + r.stderrText());
        }
        return r;
    }

    @Override
    public void close() throws Exception {
        try {
            for (ServerSocketChannel s : listeners) {
                s.close();
            }
            if (shim != null) {
                commands.run(Command.of(Duration.ofSeconds(10), "runc", "--root=" + runcRoot, "kill", containerId, "KILL"));
                awaitGone(shim.shimPid(), Duration.ofSeconds(10));
            }
            commands.run(Command.of(Duration.ofSeconds(10), "runc", "--root=" + runcRoot, "delete", "--force", containerId));
            netns.remove(pin);
            removeCgroups();
        } finally {
            if (exits != null) {
                exits.close();
            }
            // NetnsManager makes its pin directory a private bind mount of itself.
            commands.run(Command.of(Duration.ofSeconds(10), "umount", "-l", netns.pinDir().toString()));
            commands.run(Command.of(Duration.ofSeconds(30), "rm", "-rf", dir.toString()));
        }
    }

    /** A zombie counts as gone: init here reaps orphans only every few seconds. */
    public static boolean isGone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) == 'Z';
        } catch (IOException e) {
            return true;
        }
    }

    public static boolean awaitGone(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isGone(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /**
     * A bare {@code runc exec} of {@code cmd} with its output to /dev/null, timed in microseconds:
     * the floor under any exec through berthd.
     */
    public long runtimeExecMicros(String... cmd) throws IOException, InterruptedException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode process = (ObjectNode) json.readTree(dir.resolve("bundle").resolve("config.json").toFile())
                .get("process");
        ArrayNode args = process.putArray("args");
        List.of(cmd).forEach(args::add);
        Path file = dir.resolve("exec").resolve("bench.json");
        json.writeValue(file.toFile(), process);
        long start = System.nanoTime();
        Process p = new ProcessBuilder("runc", "--root=" + runcRoot, "exec", "--process", file.toString(), containerId)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (p.waitFor() != 0) {
            throw new IOException("runc exec " + String.join(" ", cmd) + " exited " + p.exitValue());
        }
        return (System.nanoTime() - start) / 1_000;
    }

    /** Waits up to 10 s for exactly {@code n} host processes whose command line matches. */
    public static List<ProcessHandle> awaitProcesses(String cmdlineRegex, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            // ProcessHandle.Info has no command line for a process in another mount namespace: read /proc.
            List<ProcessHandle> found = ProcessHandle.allProcesses()
                    .filter(p -> cmdline(p.pid()).matches(cmdlineRegex)).toList();
            if (found.size() >= n || System.nanoTime() > deadline) {
                if (found.size() != n) {
                    throw new AssertionError(found.size() + " processes match " + cmdlineRegex + ", not " + n);
                }
                return found;
            }
            Thread.sleep(20);
        }
    }

    private static String cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    private void removeCgroups() throws IOException {
        try (var controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path c : controllers.toList()) {
                Path parent = c.resolve(token);
                Files.deleteIfExists(parent.resolve(containerId));
                Files.deleteIfExists(parent);
            }
        }
    }
}
