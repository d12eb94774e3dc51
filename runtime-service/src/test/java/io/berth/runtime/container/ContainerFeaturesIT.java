package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.os.Libc;
import io.berth.cri.v1.ContainerEventResponse;
import io.berth.cri.v1.ContainerStats;
import io.berth.cri.v1.Device;
import io.berth.cri.v1.LinuxContainerConfig;
import io.berth.cri.v1.LinuxContainerResources;
import io.berth.cri.v1.Mount;
import io.berth.cri.v1.MountPropagation;
import io.berth.cri.v1.PodSandboxStats;
import io.berth.runtime.cgroup.CpuRateTracker;
import io.berth.runtime.container.events.ContainerEvents;
import io.berth.runtime.container.stats.PodNetworkCounters;
import io.berth.runtime.container.stats.StatsCollector;
import io.berth.runtime.sandbox.Sandbox;
import io.berth.cni.netns.NetnsManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Volumes, devices, resources, stats, events and long layer chains on the real node. */
class ContainerFeaturesIT {

    static World w;
    static Sandbox pod;

    @BeforeAll
    static void setUp() throws Exception {
        w = new World();
        pod = w.runPod("feat");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (w != null) {
            w.close();
        }
    }

    private static String exec(Container c, String script) {
        ExecResult r = w.containers.execSync(c.id(), List.of("sh", "-c", script), 10);
        return new String(r.stdout(), StandardCharsets.UTF_8) + new String(r.stderr(), StandardCharsets.UTF_8);
    }

    @Test
    void rslaveVolumeSeesAHostMountMadeAfterStartAndReadOnlyVolumesRefuseWrites() throws Exception {
        Path shared = Files.createDirectories(w.base.resolve("vol-shared"));
        Path ro = Files.createDirectories(w.base.resolve("vol-ro"));
        Files.writeString(ro.resolve("f"), "data");
        // rslave needs a shared source: make the directory its own shared mount, as the kubelet's dirs are.
        Libc.mount(shared.toString(), shared.toString(), "", Libc.MS_BIND, null);
        Libc.mount("", shared.toString(), "", Libc.MS_SHARED, null);
        Container c = w.create(pod, w.container("vols", "sleep 1000")
                .addMounts(Mount.newBuilder().setHostPath(shared.toString()).setContainerPath("/mnt/shared")
                        .setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER))
                .addMounts(Mount.newBuilder().setHostPath(ro.toString()).setContainerPath("/data").setReadonly(true)));
        w.containers.start(c.id());
        Path late = Files.createDirectories(shared.resolve("late"));
        Libc.mount("tmpfs", late.toString(), "tmpfs", 0, "size=1m");
        Files.writeString(late.resolve("hello"), "from the host");
        try {
            assertEquals("from the host", exec(c, "cat /mnt/shared/late/hello").strip());
            assertEquals("data", exec(c, "cat /data/f").strip());
            assertTrue(exec(c, "echo x > /data/g; echo rc=$?").contains("rc=1"), "read-only volume");
        } finally {
            w.containers.remove(c.id());
            Libc.umount2(late.toString(), Libc.MNT_DETACH);
            Libc.umount2(shared.toString(), Libc.MNT_DETACH);
        }
    }

    @Test
    void aDeviceIsUsableInside() {
        Container c = w.create(pod, w.container("dev", "sleep 1000")
                .addDevices(Device.newBuilder().setHostPath("/dev/zero").setContainerPath("/dev/myzero")
                        .setPermissions("rwm")));
        w.containers.start(c.id());
        assertEquals("3", exec(c, "head -c 3 /dev/myzero | wc -c").strip());
        w.containers.remove(c.id());
    }

    @Test
    void readonlyRootfsRefusesWrites() {
        Container c = w.create(pod, w.container("rofs", "sleep 1000").setLinux(LinuxContainerConfig.newBuilder()
                .setSecurityContext(io.berth.cri.v1.LinuxContainerSecurityContext.newBuilder().setReadonlyRootfs(true))));
        w.containers.start(c.id());
        assertTrue(exec(c, "touch /x; echo rc=$?").contains("rc=1"));
        w.containers.remove(c.id());
    }

    @Test
    void resourcesAreInTheCgroupAndUpdatedLive() throws Exception {
        Container c = w.create(pod, w.container("res", "sleep 1000").setLinux(LinuxContainerConfig.newBuilder()
                .setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64L << 20)
                        .setCpuShares(512))));
        w.containers.start(c.id());
        Path mem = memoryCgroup(c).resolve("memory.limit_in_bytes");
        assertEquals(64L << 20, Long.parseLong(Files.readString(mem).strip()));
        w.containers.updateResources(c.id(), LinuxContainerResources.newBuilder().setMemoryLimitInBytes(96L << 20)
                .setCpuShares(256).build());
        assertEquals(96L << 20, Long.parseLong(Files.readString(mem).strip()));
        assertEquals(96L << 20, w.containers.require(c.id()).parsedResources().getMemoryLimitInBytes());
        assertEquals(96L << 20, ContainerProtos.status(w.containers.require(c.id())).getResources().getLinux()
                .getMemoryLimitInBytes());
        w.containers.remove(c.id());
    }

    @Test
    void statsMoveWhenTheContainerBurnsCpuAndMemory() throws Exception {
        StatsCollector stats = statsCollector();
        Container c = w.run(pod, "burn", "dd if=/dev/zero of=/tmp/fill bs=1M count=20 2>/dev/null; "
                + "while true; do :; done");
        ContainerStats first = stats.container(c);
        Thread.sleep(1500);
        ContainerStats second = stats.container(c);
        assertTrue(second.getCpu().getUsageCoreNanoSeconds().getValue()
                > first.getCpu().getUsageCoreNanoSeconds().getValue());
        assertTrue(second.getCpu().getUsageNanoCores().getValue() > 50_000_000L,
                "a busy loop uses a good part of a core: " + second.getCpu().getUsageNanoCores().getValue());
        assertTrue(second.getMemory().getWorkingSetBytes().getValue() > 0);
        assertTrue(second.getWritableLayer().getUsedBytes().getValue() >= 20L << 20, "the 20 MiB file in /tmp");
        assertTrue(second.getWritableLayer().getInodesUsed().getValue() >= 2);
        PodSandboxStats p = stats.pod(pod, w.containers.list(new ContainerService.Filter(null, null, pod.id(), null)));
        assertTrue(p.getLinux().getCpu().getUsageCoreNanoSeconds().getValue() > 0);
        assertTrue(p.getLinux().getProcess().getProcessCount().getValue() >= 1);
        assertEquals("eth0", p.getLinux().getNetwork().getDefaultInterface().getName());
        assertTrue(p.getLinux().getContainersList().stream().anyMatch(s -> s.getAttributes().getId().equals(c.id())));
        w.containers.remove(c.id());
    }

    @Test
    void twoSubscribersSeeEveryEvent() throws Exception {
        ContainerEvents.Subscription a = w.events.subscribe();
        ContainerEvents.Subscription b = w.events.subscribe();
        try (a; b) {
            Container c = w.run(pod, "ev", "exit 0");
            w.awaitState(c.id(), ContainerState.EXITED, Duration.ofSeconds(20));
            w.containers.remove(c.id());
            for (ContainerEvents.Subscription s : List.of(a, b)) {
                List<String> seen = new ArrayList<>();
                while (seen.size() < 4) {
                    ContainerEventResponse e = s.next(Duration.ofSeconds(10)).orElseThrow();
                    if (e.getContainerId().equals(c.id())) {
                        seen.add(e.getContainerEventType().name());
                    }
                }
                assertEquals(List.of("CONTAINER_CREATED_EVENT", "CONTAINER_STARTED_EVENT", "CONTAINER_STOPPED_EVENT",
                        "CONTAINER_DELETED_EVENT"), seen);
            }
        }
    }

    @Test
    void aHundredLayerImageRuns() throws Exception {
        String image = w.testImages.busybox("deep-" + w.tag, 99, "");
        Container c = w.create(pod, w.container("deep", "sleep 1000")
                .setImage(io.berth.cri.v1.ImageSpec.newBuilder().setImage(image)));
        w.containers.start(c.id());
        assertEquals("layer 1\nlayer 99\n", exec(c, "cat /layers/1 /layers/99"));
        assertNotEquals(w.containers.require(c.id()).image().chainId(), "");
        w.containers.remove(c.id());
    }

    private static Path memoryCgroup(Container c) {
        return Path.of("/sys/fs/cgroup/memory").resolve(w.cgroups.containerPath(pod.cgroup(), c.id()).relative());
    }

    /** A directory bind-mounted onto itself and made shared, as the kubelet's volume dirs are. */
    private static Path sharedDir(String name) throws Exception {
        Path d = Files.createDirectories(w.base.resolve(name));
        Libc.mount(d.toString(), d.toString(), "", Libc.MS_BIND, null);
        Libc.mount("", d.toString(), "", Libc.MS_SHARED, null);
        return d;
    }

    @Test
    void rsharedVolumePropagatesBothWaysInAPrivilegedContainer() throws Exception {
        Path vol = sharedDir("vol-rshared");
        Path fromHost = Files.createDirectories(vol.resolve("from-host"));
        Files.createDirectories(vol.resolve("from-container"));
        var privileged = io.berth.cri.v1.LinuxContainerSecurityContext.newBuilder().setPrivileged(true);
        var podConfig = w.pod("priv");
        podConfig = podConfig.toBuilder().setLinux(podConfig.getLinux().toBuilder().setSecurityContext(
                podConfig.getLinux().getSecurityContext().toBuilder().setPrivileged(true))).build();
        Sandbox priv = w.sandboxes.run(podConfig, "");
        Container c = w.containers.create(priv.id(), w.container("rshared", "sleep 1000")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(privileged))
                .addMounts(Mount.newBuilder().setHostPath(vol.toString()).setContainerPath("/mnt/vol")
                        .setPropagation(MountPropagation.PROPAGATION_BIDIRECTIONAL)).build(), podConfig);
        try {
            w.containers.start(c.id());
            assertEquals("", execIn(c, "mount -t tmpfs -o size=1m tmpfs /mnt/vol/from-container && "
                    + "echo made inside > /mnt/vol/from-container/note"));
            assertEquals("made inside", Files.readString(vol.resolve("from-container/note")).strip(),
                    "a mount made in the container appears on the host");
            Libc.mount("tmpfs", fromHost.toString(), "tmpfs", 0, "size=1m");
            Files.writeString(fromHost.resolve("note"), "made on the host");
            assertEquals("made on the host", execIn(c, "cat /mnt/vol/from-host/note").strip(),
                    "and one made on the host appears in the container");
        } finally {
            w.containers.remove(c.id());
            w.sandboxes.stop(priv.id());
            w.sandboxes.remove(priv.id());
            for (String m : List.of("from-container", "from-host", "")) {
                World.run("umount", "-l", vol.resolve(m).toString()); // some were never made if a step failed
            }
        }
    }

    @Test
    void aPrivateVolumeDoesNotSeeHostMountsMadeAfterStart() throws Exception {
        Path vol = sharedDir("vol-private");
        Path late = Files.createDirectories(vol.resolve("late"));
        Files.writeString(late.resolve("under"), "the directory itself");
        Container c = w.create(pod, w.container("private", "sleep 1000")
                .addMounts(Mount.newBuilder().setHostPath(vol.toString()).setContainerPath("/mnt/vol")
                        .setPropagation(MountPropagation.PROPAGATION_PRIVATE)));
        try {
            w.containers.start(c.id());
            Libc.mount("tmpfs", late.toString(), "tmpfs", 0, "size=1m");
            Files.writeString(late.resolve("over"), "the host's later mount");
            assertEquals("under", execIn(c, "ls /mnt/vol/late").strip(), "the container keeps the directory below");
        } finally {
            w.containers.remove(c.id());
            World.run("umount", "-l", late.toString());
            World.run("umount", "-l", vol.toString());
        }
    }

    @Test
    void theImageStopSignalIsUsedWhenTheContainerNamesNone() throws Exception {
        String image = w.testImages.busybox("usr1-" + w.tag, 0, "SIGUSR1");
        Container c = w.create(pod, w.container("usr1", "trap 'exit 30' USR1; while true; do sleep 0.1; done")
                .setImage(io.berth.cri.v1.ImageSpec.newBuilder().setImage(image)));
        w.containers.start(c.id());
        Thread.sleep(300); // let the shell install its trap
        w.containers.stop(c.id(), 10);
        assertEquals(30, w.containers.require(c.id()).exit().exitCode());
        w.containers.remove(c.id());
    }

    @Test
    void aReadOnlyDeviceHasItsCgroupRuleAndRefusesWrites() throws Exception {
        // /dev/kmsg (c 1:11) is not one of the devices every container gets, so only our rule grants it.
        Container c = w.create(pod, w.container("devrule", "sleep 1000")
                .addDevices(Device.newBuilder().setHostPath("/dev/kmsg").setContainerPath("/dev/mykmsg")
                        .setPermissions("r")));
        w.containers.start(c.id());
        try {
            Path list = Path.of("/sys/fs/cgroup/devices").resolve(w.cgroups.containerPath(pod.cgroup(), c.id())
                    .relative()).resolve("devices.list");
            assertTrue(Files.readAllLines(list).contains("c 1:11 r"), "the granted rule: " + Files.readString(list));
            assertEquals("1:b", execIn(c, "stat -c %t:%T /dev/mykmsg").strip(), "the node, major:minor in hex");
            assertTrue(exec(c, "echo x > /dev/mykmsg; echo rc=$?").contains("rc=1"), "write was not granted");
        } finally {
            w.containers.remove(c.id());
        }
    }

    @Test
    void cpuSharesAreInTheCgroupAndUpdatedLive() throws Exception {
        Container c = w.create(pod, w.container("shares", "sleep 1000").setLinux(LinuxContainerConfig.newBuilder()
                .setResources(LinuxContainerResources.newBuilder().setCpuShares(512).setCpuQuota(50_000)
                        .setCpuPeriod(100_000))));
        w.containers.start(c.id());
        try {
            Path cpu = Path.of("/sys/fs/cgroup/cpu").resolve(w.cgroups.containerPath(pod.cgroup(), c.id()).relative());
            assertEquals("512", Files.readString(cpu.resolve("cpu.shares")).strip());
            assertEquals("50000", Files.readString(cpu.resolve("cpu.cfs_quota_us")).strip());
            w.containers.updateResources(c.id(), LinuxContainerResources.newBuilder().setCpuShares(256)
                    .setCpuQuota(20_000).setCpuPeriod(100_000).build());
            assertEquals("256", Files.readString(cpu.resolve("cpu.shares")).strip());
            assertEquals("20000", Files.readString(cpu.resolve("cpu.cfs_quota_us")).strip());
        } finally {
            w.containers.remove(c.id());
        }
    }

    @Test
    void memoryStatsMoveWhenTheContainerFillsMemory() throws Exception {
        StatsCollector stats = statsCollector();
        Container c = w.run(pod, "fill", "sleep 1000");
        try {
            long before = stats.container(c).getMemory().getWorkingSetBytes().getValue();
            // tmpfs pages are charged to the writer's cgroup and are never inactive file cache.
            exec(c, "head -c 33554432 /dev/zero > /dev/shm/fill");
            long after = stats.container(c).getMemory().getWorkingSetBytes().getValue();
            assertTrue(after - before >= 24L << 20, "32 MiB in tmpfs: working set " + before + " -> " + after);
            exec(c, "rm /dev/shm/fill");
        } finally {
            w.containers.remove(c.id());
        }
    }

    /** Output of a command that should succeed; its stderr and a non-zero exit are failures. */
    private static String execIn(Container c, String script) {
        ExecResult r = w.containers.execSync(c.id(), List.of("sh", "-c", script), 10);
        assertEquals(0, r.exitCode(), new String(r.stderr(), StandardCharsets.UTF_8));
        return new String(r.stdout(), StandardCharsets.UTF_8);
    }

    private static StatsCollector statsCollector() {
        return new StatsCollector(w.cgroups, new CpuRateTracker(), w.containers.deps().layout(), w.sandboxes::find,
                PodNetworkCounters.netns(new NetnsManager(w.netnsDir)));
    }
}
