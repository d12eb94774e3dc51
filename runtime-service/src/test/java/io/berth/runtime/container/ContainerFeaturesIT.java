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
        StatsCollector stats = new StatsCollector(w.cgroups, new CpuRateTracker(), w.containers.deps().layout(),
                w.sandboxes::find, PodNetworkCounters.netns(new NetnsManager(w.netnsDir)));
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
}
