package io.berth.runtime.shim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.exec.Command;
import io.berth.common.exec.CommandResult;
import io.berth.common.exec.CommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A private world for one shim IT: a short temp dir (socket paths must fit sun_path),
 * a busybox rootfs, runc with its own --root, a unique cgroup parent, an exit watcher.
 * {@link #close} removes everything and fails the test if a shim, a container process,
 * a socket or a cgroup was left behind.
 */
final class ShimFixture {

    static final Path SHIM = locateShim();
    static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] APPLETS = {"sh", "sleep", "cat", "echo", "seq", "head", "tr", "kill",
        "printf", "stty", "tail", "true", "test"};

    final String token = "bt" + HexFormat.of().formatHex(SecureRandom.getSeed(4));
    final Path dir;
    final Path exitDir;
    final Path runDir;
    final Path logDir;
    final Path runcRoot;
    final String cgroupParent = "/berth-test-" + token;
    final NativeShimLauncher launcher = new NativeShimLauncher(SHIM);
    final ExitWatcher exits;
    final CommandRunner commands = CommandRunner.system();
    private final List<String> containers = new ArrayList<>();
    private final List<Long> shims = new ArrayList<>();
    private final List<Path> mounts = new ArrayList<>();
    private Path rootfs;

    ShimFixture() throws IOException {
        dir = Files.createDirectory(Path.of("/tmp", token));
        exitDir = Files.createDirectory(dir.resolve("exit"));
        runDir = Files.createDirectory(dir.resolve("run"));
        logDir = Files.createDirectory(dir.resolve("log"));
        runcRoot = Files.createDirectory(dir.resolve("runc"));
        exits = new ExitWatcher(exitDir);
    }

    private static Path locateShim() {
        String prop = System.getProperty("berth.shim");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "shim", "target", "berth-shim").toAbsolutePath().normalize();
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException("berth-shim not built at " + p + ": run `make -C shim` (or mvn -pl shim compile)");
        }
        return p;
    }

    /** A busybox rootfs, built once per fixture. */
    Path rootfs() throws IOException {
        if (rootfs == null) {
            rootfs = dir.resolve("rootfs");
            Path bin = Files.createDirectories(rootfs.resolve("bin"));
            Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
            for (String a : APPLETS) {
                Files.createSymbolicLink(bin.resolve(a), Path.of("busybox"));
            }
            for (String d : List.of("proc", "dev", "sys", "tmp")) {
                Files.createDirectories(rootfs.resolve(d));
            }
        }
        return rootfs;
    }

    /** A bundle from `runc spec`, running args in the busybox rootfs under this fixture's cgroup parent. */
    Path bundle(String id, List<String> args, Consumer<ObjectNode> edit) throws IOException {
        Path b = Files.createDirectories(dir.resolve("bundles").resolve(id));
        run("runc", "spec", "--bundle", b.toString());
        ObjectNode cfg = (ObjectNode) JSON.readTree(b.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) cfg.get("process");
        process.put("terminal", false);
        ArrayNode a = process.putArray("args");
        args.forEach(a::add);
        ((ObjectNode) cfg.get("root")).put("path", rootfs().toString()).put("readonly", false);
        ((ObjectNode) cfg.get("linux")).put("cgroupsPath", cgroupParent + "/" + id);
        edit.accept(cfg);
        JSON.writeValue(b.resolve("config.json").toFile(), cfg);
        return b;
    }

    Path bundle(String id, String script) throws IOException {
        return bundle(id, List.of("sh", "-c", script), c -> { });
    }

    ShimConfig config(String id, Path bundle) {
        return ShimConfig.container(id, bundle, logDir.resolve(id + ".log"), exitDir.resolve(id),
                runDir.resolve(id + ".sock")).withRuntime("runc", List.of("--root=" + runcRoot));
    }

    ShimConfig execConfig(String containerId, String execId, Path processJson) {
        return ShimConfig.exec(containerId, processJson, logDir.resolve(execId + ".log"), exitDir.resolve(execId),
                runDir.resolve(execId + ".sock")).withRuntime("runc", List.of("--root=" + runcRoot));
    }

    /** An OCI process.json for exec, taken from the container's config. */
    Path processJson(String containerId, String execId, List<String> args, boolean terminal) throws IOException {
        ObjectNode cfg = (ObjectNode) JSON.readTree(dir.resolve("bundles").resolve(containerId).resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) cfg.get("process");
        process.put("terminal", terminal);
        ArrayNode a = process.putArray("args");
        args.forEach(a::add);
        Path p = dir.resolve(execId + ".process.json");
        JSON.writeValue(p.toFile(), process);
        return p;
    }

    ShimProcess start(ShimConfig config) throws IOException {
        if (config.bundle() != null) {
            containers.add(config.id());
        }
        ShimProcess p = launcher.start(config);
        shims.add(p.shimPid());
        return p;
    }

    /** Records a container started some other way, for clean-up. */
    void containers(String id, ShimProcess p) {
        containers.add(id);
        shims.add(p.shimPid());
    }

    ShimExit awaitExit(String name) throws Exception {
        return exits.exitOf(name).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    CriLog.Streams log(String name) throws IOException {
        return CriLog.read(logDir.resolve(name + ".log"));
    }

    String stdout(String name) throws IOException {
        return new String(log(name).stdout(), StandardCharsets.UTF_8);
    }

    void mounted(Path mountPoint) {
        mounts.add(mountPoint);
    }

    CommandResult run(String... argv) throws IOException {
        CommandResult r = commands.run(Command.of(Duration.ofSeconds(30), argv));
        if (r.exitCode() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + r.stderrText());
        }
        return r;
    }

    List<Long> cgroupProcs(String id) throws IOException {
        Path procs = Path.of("/sys/fs/cgroup/memory" + cgroupParent, id, "cgroup.procs");
        if (!Files.exists(procs)) {
            return List.of();
        }
        return Files.readAllLines(procs).stream().filter(s -> !s.isBlank()).map(Long::parseLong).toList();
    }

    void close() throws Exception {
        List<String> leaks = new ArrayList<>();
        try {
            for (String id : containers) {
                commands.run(Command.of(Duration.ofSeconds(10), "runc", "--root=" + runcRoot, "kill", id, "KILL"));
            }
            for (long pid : shims) {
                if (!Pids.awaitGone(pid, WAIT)) {
                    leaks.add("shim " + pid);
                    Pids.kill(pid);
                }
            }
            for (String id : containers) {
                commands.run(Command.of(Duration.ofSeconds(10), "runc", "--root=" + runcRoot, "delete", "--force", id));
            }
            leaks.addAll(processesMentioningToken());
            try (Stream<Path> s = Files.list(runDir)) {
                s.forEach(p -> leaks.add("file left in the socket dir: " + p));
            }
            leaks.addAll(removeCgroups());
        } finally {
            exits.close();
            for (Path m : mounts) {
                commands.run(Command.of(Duration.ofSeconds(10), "umount", "-l", m.toString()));
            }
            commands.run(Command.of(Duration.ofSeconds(30), "rm", "-rf", dir.toString()));
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError("left behind: " + leaks);
        }
    }

    private List<String> processesMentioningToken() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                long pid = Long.parseLong(p.getFileName().toString());
                try {
                    String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    if (cmd.contains(token) && !Pids.isGone(pid)) {
                        found.add("process " + pid + ": " + cmd);
                    }
                } catch (IOException e) {
                    // exited meanwhile
                }
            }
        }
        return found;
    }

    private List<String> removeCgroups() throws IOException {
        List<String> left = new ArrayList<>();
        try (Stream<Path> ctrls = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path ctrl : ctrls.toList()) {
                Path parent = Path.of(ctrl + cgroupParent);
                if (!Files.isDirectory(parent)) {
                    continue;
                }
                try (Stream<Path> children = Files.list(parent)) {
                    for (Path child : children.filter(Files::isDirectory).toList()) {
                        left.add("container cgroup " + child);
                        rmdirQuietly(child);
                    }
                }
                rmdirQuietly(parent);
            }
        }
        return left;
    }

    private static void rmdirQuietly(Path p) {
        try {
            Files.delete(p);
        } catch (IOException e) {
            // reported through the leak list by the caller
        }
    }
}
