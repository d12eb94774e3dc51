package io.berth.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.exec.Command;
import io.berth.common.exec.CommandResult;
import io.berth.common.exec.CommandRunner;
import io.berth.common.os.Libc;
import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.ContainerMetadata;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.cri.v1.PodSandboxMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A busybox rootfs and a private runc root for running generated specs with
 * the real runc ({@code runc run}), for the OCI package's ITs. Everything it
 * makes (containers, cgroups, host mounts, files) goes in {@link #close()}.
 */
public final class RuncBundle implements AutoCloseable {

    /** -Dberth.test.runc=/path picks another runc build (e.g. a newer one for idmapped mounts). */
    static final String RUNC = System.getProperty("berth.test.runc", "runc");

    /**
     * A privately unpacked runc 1.3 (Debian forky's; bookworm's glibc is too old
     * for the package) where this machine has one: userns, rro and idmap are
     * then run on both runtimes. CI without it runs the runtime above alone.
     */
    static final Path PRIVATE_RUNC_13 = Path.of("/opt/berth-test-runtimes/bin/runc-1.3");

    /** The runtimes the capability-dependent ITs run with: {@link #RUNC}, plus runc 1.3 where present. */
    public static List<String> runtimes() {
        List<String> out = new ArrayList<>(List.of(RUNC));
        if (Files.isExecutable(PRIVATE_RUNC_13) && !out.contains(PRIVATE_RUNC_13.toString())) {
            out.add(PRIVATE_RUNC_13.toString());
        }
        return out;
    }

    final String runc;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    final String prefix = "berth-oci-it-" + UUID.randomUUID().toString().substring(0, 8);
    final Path base;
    final Path rootfs;
    final Path runcRoot;
    final RuntimeFeatures features;
    private final CommandRunner runner = CommandRunner.system();
    private final List<String> ids = new ArrayList<>();
    private final List<Path> hostMounts = new ArrayList<>();

    record Run(int exit, String out, String err) {
    }

    RuncBundle() throws IOException {
        this(RUNC);
    }

    RuncBundle(String runc) throws IOException {
        this.runc = runc;
        // Open permissions: a user-namespaced container's root must traverse to its rootfs.
        base = Files.createDirectories(Path.of("/tmp", prefix));
        runcRoot = Files.createDirectories(base.resolve("runc"));
        rootfs = Files.createDirectories(base.resolve("rootfs"));
        for (String d : List.of("bin", "etc", "proc", "sys", "dev", "tmp", "data")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n"
                + "app:x:1000:1000::/tmp:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\napp:x:1000:\nvideo:x:44:app\n");
        try (Stream<Path> all = Files.walk(base)) {
            for (Path p : all.toList()) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
        features = RuntimeFeatures.probe(runc, List.of("--root", runcRoot.toString()), runner);
    }

    /** A host directory under the bundle base, for volumes. */
    Path hostDir(String name) throws IOException {
        Path d = Files.createDirectories(base.resolve(name));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        return d;
    }

    /** A tmpfs mounted at {@code dir}, unmounted in close(). */
    void mountTmpfs(Path dir) throws IOException {
        Libc.mount("tmpfs", dir.toString(), "tmpfs", 0, "size=1m");
        hostMounts.add(dir);
    }

    /** A mount made elsewhere (by propagation from a container) that close() must remove too. */
    void trackMount(Path dir) {
        hostMounts.add(dir);
    }

    /**
     * Runs {@code argv} in the mount namespace and root of the container whose
     * init is {@code pid}: what the container itself sees, asked from outside.
     */
    Run inside(long pid, String... argv) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-m", "-r", "-w"));
        cmd.addAll(List.of(argv));
        CommandResult r = runner.run(Command.of(TIMEOUT, cmd.toArray(String[]::new)));
        return new Run(r.exitCode(), r.stdoutText(), r.stderrText());
    }

    SpecInput input(UnaryOperator<ContainerConfig.Builder> edit, SpecInput.NamespacePlan plan) {
        ContainerConfig c = edit.apply(ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("it"))).build();
        PodSandboxConfig pod = PodSandboxConfig.newBuilder().setHostname("oci-it")
                .setMetadata(PodSandboxMetadata.newBuilder().setName("p").setNamespace("it").setUid("u")).build();
        String id = prefix + "-" + ids.size();
        ids.add(id);
        return new SpecInput(id, "s", c, pod, SpecFixture.IMAGE, rootfs, "/" + id, plan, null,
                new SpecInput.HostFacts(Capabilities.hostBounding(), false, 0, Map.of(), features,
                        SecurityModules.none()));
    }

    /** Fresh pid namespace; the rest are the host's unless {@link #isolate} adds them. */
    static SpecInput.NamespacePlan ownPid() {
        return new SpecInput.NamespacePlan(null, null, null, null, false, null);
    }

    /** Runs {@code sh -c script} in the container the input describes and waits for it. */
    Run run(SpecInput in, String script) throws IOException {
        ObjectNode spec = generate(in);
        Path bundle = writeBundle(in.containerId(), spec, script);
        CommandResult r = runner.run(Command.of(TIMEOUT, runc, "--root", runcRoot.toString(), "run",
                "--bundle", bundle.toString(), in.containerId()));
        return new Run(r.exitCode(), r.stdoutText(), r.stderrText());
    }

    /** Starts the container in the background (stdio to files) and returns its init's host pid. */
    long start(SpecInput in, String script) throws IOException, InterruptedException {
        Path bundle = writeBundle(in.containerId(), generate(in), script);
        Process p = new ProcessBuilder(runc, "--root", runcRoot.toString(), "run", "--detach", "--bundle",
                bundle.toString(), in.containerId())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(bundle.resolve("out").toFile()).redirectError(bundle.resolve("err").toFile())
                .start();
        if (p.waitFor() != 0) {
            throw new IOException("runc run --detach: " + Files.readString(bundle.resolve("err")));
        }
        CommandResult state = runner.run(Command.of(TIMEOUT, runc, "--root", runcRoot.toString(), "state",
                in.containerId()));
        return JSON.readTree(state.stdout()).get("pid").asLong();
    }

    /** What berthd's container side does: the spec, then the host side of propagating volumes. */
    private static ObjectNode generate(SpecInput in) {
        ObjectNode spec = new OciSpecGenerator().generate(in);
        new HostPropagation().prepare(in.config());
        return spec;
    }

    private Path writeBundle(String id, ObjectNode spec, String script) throws IOException {
        ArrayNode args = ((ObjectNode) spec.get("process")).putArray("args");
        args.add("/bin/sh").add("-c").add(script);
        isolate((ArrayNode) spec.at("/linux/namespaces"));
        Path bundle = Files.createDirectories(base.resolve("bundles").resolve(id));
        Files.write(bundle.resolve("config.json"), JSON.writeValueAsBytes(spec));
        return bundle;
    }

    /** Network, IPC and UTS of their own, so no test can touch the host's. */
    private static void isolate(ArrayNode namespaces) {
        List<String> present = new ArrayList<>();
        namespaces.forEach(n -> present.add(n.get("type").asText()));
        for (String t : List.of("network", "ipc", "uts")) {
            if (!present.contains(t)) {
                namespaces.addObject().put("type", t);
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (String id : ids) {
            runner.run(Command.of(TIMEOUT, runc, "--root", runcRoot.toString(), "delete", "--force", id));
            removeCgroups(id);
        }
        for (Path m : hostMounts.reversed()) {
            try {
                Libc.umount2(m.toString(), Libc.MNT_DETACH);
            } catch (Exception e) {
                // Keep going: the rest must still be removed.
            }
        }
        try (Stream<Path> all = Files.walk(base)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** runc removes its cgroups on delete; this catches what a failed create left. */
    private static void removeCgroups(String id) throws IOException {
        try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path c : controllers.toList()) {
                Files.deleteIfExists(c.resolve(id));
            }
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            throw new IOException("cgroup of " + id + " still has children", e);
        }
    }

    static String statusLine(String procStatus, String key) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith(key + ":")) {
                return line.substring(key.length() + 1).strip();
            }
        }
        throw new AssertionError("no " + key + " in\n" + procStatus);
    }

    static JsonNode tree(String json) throws IOException {
        return JSON.readTree(json.getBytes(StandardCharsets.UTF_8));
    }
}
