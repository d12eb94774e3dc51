package io.berth.runtime.container;

import io.berth.cni.CniConfig;
import io.berth.cni.PodNetwork;
import io.berth.cni.config.DefaultNetwork;
import io.berth.cni.netns.NetnsManager;
import io.berth.cni.spec.CniJson;
import io.berth.common.exec.Command;
import io.berth.common.exec.CommandResult;
import io.berth.common.exec.CommandRunner;
import io.berth.common.fs.AtomicFiles;
import io.berth.common.os.Libc;
import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.ContainerMetadata;
import io.berth.cri.v1.DNSConfig;
import io.berth.cri.v1.ImageSpec;
import io.berth.cri.v1.LinuxPodSandboxConfig;
import io.berth.cri.v1.LinuxSandboxSecurityContext;
import io.berth.cri.v1.NamespaceMode;
import io.berth.cri.v1.NamespaceOption;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.cri.v1.PodSandboxMetadata;
import io.berth.image.content.ContentStore;
import io.berth.image.snapshot.OverlaySnapshotter;
import io.berth.image.store.ImageStore;
import io.berth.runtime.cgroup.CgroupDriver;
import io.berth.runtime.cgroup.CgroupPath;
import io.berth.runtime.cgroup.CgroupSettings;
import io.berth.runtime.cgroup.FsCgroupManager;
import io.berth.runtime.cgroup.OomScoreAdj;
import io.berth.runtime.config.OciRuntimeConfig;
import io.berth.runtime.cgroup.CgroupMode;
import io.berth.runtime.oci.Capabilities;
import io.berth.runtime.oci.SpecInput;
import io.berth.runtime.container.events.ContainerEvents;
import io.berth.runtime.container.image.StoreImages;
import io.berth.runtime.sandbox.CgroupManagerPodCgroups;
import io.berth.runtime.sandbox.CniSandboxNetworking;
import io.berth.runtime.sandbox.LinuxPodNamespaces;
import io.berth.runtime.sandbox.PodFiles;
import io.berth.runtime.sandbox.Sandbox;
import io.berth.runtime.sandbox.SandboxLayout;
import io.berth.runtime.sandbox.SandboxService;
import io.berth.runtime.sandbox.UnshareInfraLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A private berthd world for one container IT: root and state dirs (short, for
 * socket paths), a CNI bridge network on a free 10.246.x.0/24, a cgroup parent,
 * real sandboxes, images in a real snapshotter, runc with its own --root and the
 * real berth-shim. {@link #newServices()} builds the services again over the same
 * dirs, as a restarted berthd does. {@link #close()} removes everything.
 */
final class World implements AutoCloseable {

    static final Path SHIM = Path.of("..", "shim", "target", "berth-shim").toAbsolutePath().normalize();

    final String tag = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    final Path base;
    final Path root;
    final Path state;
    final Path netnsDir;
    final Path logs;
    final String cgroupParent = "/berth-ctr-" + tag;
    final String bridge = "bct" + tag;
    final FsCgroupManager cgroups;
    final ContentStore content;
    final ImageStore images;
    final OverlaySnapshotter snapshots;
    final TestImages testImages;
    final OciSpecs specs;
    final ContainerEvents events = new ContainerEvents();
    SandboxService sandboxes;
    ContainerService containers;
    String busybox;

    /** The OCI runtime binary the world's pods run with (one handler, "runc"). */
    final String runtime;

    World() throws IOException {
        this("runc");
    }

    World(String runtime) throws IOException {
        this.runtime = runtime;
        base = Files.createDirectory(Path.of("/tmp", "bc" + tag));
        root = base.resolve("root");
        state = base.resolve("state");
        netnsDir = base.resolve("netns");
        logs = Files.createDirectories(base.resolve("logs"));
        writeNetwork();
        cgroups = FsCgroupManager.create(CgroupSettings.defaults().withDriver(CgroupDriver.CGROUPFS)
                .withDefaultParent(CgroupPath.parse(cgroupParent), "berthctr" + tag + ".slice"));
        content = new ContentStore(root.resolve("content"));
        images = ImageStore.open(root.resolve("images"));
        snapshots = new OverlaySnapshotter(root.resolve("snapshots"));
        testImages = new TestImages(Files.createDirectories(base.resolve("img")), content, snapshots, images);
        // The runtime's features probed as berthd probes them, so the ITs see what a pod on this node gets.
        specs = new OciSpecs(new SpecInput.HostFacts(Capabilities.hostBounding(), cgroups.mode() == CgroupMode.UNIFIED,
                OomScoreAdj.probe().floor(), Map.of()), io.berth.runtime.oci.ProbedRuntimes.probe(Map.of("runc",
                new io.berth.runtime.oci.ProbedRuntimes.Binary(runtime, List.of())), "runc", CommandRunner.system()));
        busybox = testImages.busybox("busybox-" + tag, 0, "");
        newServices();
    }

    private void writeNetwork() throws IOException {
        String used = run("ip", "-o", "addr").stdoutText() + run("ip", "route").stdoutText();
        String subnet = null;
        for (int i = 0; i < 100 && subnet == null; i++) {
            String p = "10.246." + ThreadLocalRandom.current().nextInt(1, 255) + ".";
            subnet = used.contains(p) ? null : p + "0/24";
        }
        var list = DefaultNetwork.conflist("berth-ctr-" + tag, bridge, subnet, base.resolve("ipam"));
        AtomicFiles.write(base.resolve("net.d").resolve("50-ctr-" + tag + ".conflist"), CniJson.bytes(list));
    }

    /** Sandboxes and containers over the dirs, recovered, as a (re)started berthd builds them. */
    void newServices() throws IOException {
        CniConfig cni = new CniConfig(base.resolve("net.d"), List.of(Path.of("/usr/lib/cni")), false,
                Duration.ofSeconds(30), netnsDir);
        sandboxes = new SandboxService(new SandboxService.Deps(new SandboxLayout(root, state), new LinuxPodNamespaces(),
                new CniSandboxNetworking(new NetnsManager(netnsDir), new PodNetwork(cni, state)),
                new CgroupManagerPodCgroups(cgroups, OomScoreAdj.probe()), UnshareInfraLauncher.system(),
                PodFiles.system(), Set.of("runc"), Duration.ofSeconds(30)));
        sandboxes.recover();
        Containers.Settings s = new Containers.Settings(root, state, SHIM, Map.of("runc", new OciRuntimeConfig(runtime, "", List.of())),
                "runc");
        containers = Containers.start(s, sandboxes, new StoreImages(images, content, snapshots,
                snapshots.snapshotsDir()), specs, cgroups, events);
    }

    PodSandboxConfig pod(String name) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("default")
                        .setUid("uid-" + name + tag).setAttempt(0))
                .setHostname(name).setLogDirectory(logs.resolve(name).toString())
                .setDnsConfig(DNSConfig.newBuilder().addServers("10.96.0.10"))
                .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent(cgroupParent + "/" + name)
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(
                                NamespaceOption.newBuilder().setNetwork(NamespaceMode.POD)
                                        .setPid(NamespaceMode.CONTAINER).setIpc(NamespaceMode.POD))))
                .build();
    }

    Sandbox runPod(String name) {
        return sandboxes.run(pod(name), "");
    }

    ContainerConfig.Builder container(String name, String script) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(busybox))
                .addCommand("sh").addArgs("-c").addArgs(script)
                .setLogPath(name + ".log");
    }

    Container create(Sandbox pod, ContainerConfig.Builder c) {
        return containers.create(pod.id(), c.build(), pod(pod.metadata().name()));
    }

    Container run(Sandbox pod, String name, String script) {
        Container c = create(pod, container(name, script));
        containers.start(c.id());
        return containers.require(c.id());
    }

    Container awaitState(String id, ContainerState s, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            Container c = containers.require(id);
            if (c.state() == s) {
                return c;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(id + " never became " + s + " (is " + containers.require(id).state() + ")");
    }

    static CommandResult run(String... argv) throws IOException {
        return CommandRunner.system().run(Command.of(Duration.ofSeconds(60), argv));
    }

    /** Processes whose command line mentions this world's base dir (shims, runc, containers). */
    /**
     * Waits for the background teardown of stopped and removed containers (runc delete,
     * unmount, cgroup, bundle), so that what the probes below see has settled.
     */
    private void settle() {
        if (containers != null) {
            containers.awaitTeardowns(java.time.Duration.ofSeconds(30));
        }
    }

    List<Long> processesOfThisWorld() throws IOException {
        settle();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            return s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            String cmd = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
                            String stat = Files.readString(p.resolve("stat"));
                            return cmd.contains(base.toString()) && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
                        } catch (IOException e) {
                            return false;
                        }
                    }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        }
    }

    /** Mount points under this world's base dir. */
    List<String> mountsOfThisWorld() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" ")[4])
                .filter(m -> m.startsWith(base.toString()) && !m.startsWith(netnsDir.toString())).toList();
    }

    /** Rootfs mounts (the sandbox's namespace pins are not the containers'). */
    List<String> containerMounts() throws IOException {
        settle();
        return mountsOfThisWorld().stream().filter(m -> m.startsWith(root.resolve("containers").toString())).toList();
    }

    /** Container cgroups left under the parent, in any hierarchy. */
    List<String> containerCgroupsLeft() throws IOException {
        settle();
        try (Stream<Path> h = Files.list(Path.of("/sys/fs/cgroup"))) {
            return h.flatMap(dir -> {
                try (Stream<Path> w = Files.walk(dir.resolve(cgroupParent.substring(1)))) {
                    return w.filter(p -> p.getFileName().toString().matches("berth-[0-9a-f]{64}(\\.scope)?"))
                            .map(Path::toString)
                            .toList().stream();
                } catch (IOException e) {
                    return Stream.empty();
                }
            }).toList();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            for (Container c : containers.list(ContainerService.Filter.ALL)) {
                safely(() -> containers.remove(c.id()));
            }
            for (Sandbox s : sandboxes.list(null)) {
                safely(() -> sandboxes.remove(s.id()));
            }
        } finally {
            for (long pid : processesOfThisWorld()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            for (String m : mountsOfThisWorld().reversed()) {
                run("umount", "-l", m);
            }
            run("ip", "link", "del", bridge);
            while (run("findmnt", "-n", netnsDir.toString()).ok()) {
                Libc.umount2(netnsDir.toString(), Libc.MNT_DETACH);
            }
            try (Stream<Path> h = Files.list(Path.of("/sys/fs/cgroup"))) {
                for (Path dir : h.toList()) {
                    run("find", dir.resolve(cgroupParent.substring(1)).toString(), "-depth", "-type", "d",
                            "-delete");
                }
            }
            run("rm", "-rf", base.toString());
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            System.err.println("cleanup: " + e);
        }
    }
}
