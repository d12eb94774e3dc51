package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.ContainerEventResponse;
import io.berth.cri.v1.ContainerEventType;
import io.berth.cri.v1.LinuxContainerConfig;
import io.berth.cri.v1.LinuxContainerResources;
import io.berth.cri.v1.LinuxPodSandboxConfig;
import io.berth.cri.v1.NamespaceMode;
import io.berth.cri.v1.NamespaceOption;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.runtime.container.events.ContainerEvents;
import io.berth.runtime.sandbox.Sandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Security-relevant behaviour of whole pods on the real node (runc, berth-shim,
 * cgroup v1, CNI in a private netns), looked at from inside the containers:
 * OOM kills, pod sysctls, and the PID, IPC and network namespace modes.
 */
class ContainerSecurityIT {

    static World w;

    @BeforeAll
    static void setUp() throws Exception {
        w = new World();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (w != null) {
            w.close();
        }
    }

    static String exec(Container c, String script) {
        ExecResult r = w.containers.execSync(c.id(), List.of("sh", "-c", script), 20);
        return new String(r.stdout(), StandardCharsets.UTF_8) + new String(r.stderr(), StandardCharsets.UTF_8);
    }

    static Sandbox pod(String name, NamespaceMode net, NamespaceMode pid, NamespaceMode ipc,
                       java.util.Map<String, String> sysctls) {
        PodSandboxConfig base = w.pod(name);
        LinuxPodSandboxConfig.Builder linux = base.getLinux().toBuilder().putAllSysctls(sysctls);
        linux.getSecurityContextBuilder().setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(net)
                .setPid(pid).setIpc(ipc));
        return w.sandboxes.run(base.toBuilder().setLinux(linux).build(), "");
    }

    /** The kubelet copies the pod's namespace modes into every container's security context. */
    static Container run(Sandbox pod, String name, String script, NamespaceMode pid) {
        ContainerConfig.Builder c = w.container(name, script);
        c.getLinuxBuilder().getSecurityContextBuilder().setNamespaceOptions(pod.parsedConfig().getLinux()
                .getSecurityContext().getNamespaceOptions().toBuilder().setPid(pid));
        Container created = w.containers.create(pod.id(), c.build(), pod.parsedConfig());
        w.containers.start(created.id());
        return w.containers.require(created.id());
    }

    @Test
    void aContainerOverItsMemoryLimitIsOomKilledWhileItsNeighbourRuns() throws Exception {
        Sandbox pod = w.runPod("oom");
        Container sleeper = w.run(pod, "sleeper", "exec sleep 600");
        long limit = 16L << 20;
        try (ContainerEvents.Subscription events = w.events.subscribe()) {
            // tail keeps the whole line it is reading, and /dev/zero has no newline: memory grows until the kill.
            ContainerConfig.Builder hog = w.container("hog", "cat /dev/zero | tail -n 1")
                    .setLinux(LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
                            .setMemoryLimitInBytes(limit).setMemorySwapLimitInBytes(limit)));
            Container c = w.create(pod, hog);
            w.containers.start(c.id());
            Container done = w.awaitState(c.id(), ContainerState.EXITED, Duration.ofSeconds(60));
            io.berth.cri.v1.ContainerStatus status = ContainerProtos.status(done);
            assertEquals(137, status.getExitCode(), status.toString());
            assertEquals("OOMKilled", status.getReason(), status.toString());

            assertEquals(ContainerState.RUNNING, w.containers.require(sleeper.id()).state());
            assertEquals("alive\n", exec(sleeper, "echo alive"), "the pod's other container keeps running");

            ContainerEventResponse stopped = awaitEvent(events, c.id(), ContainerEventType.CONTAINER_STOPPED_EVENT);
            var inEvent = stopped.getContainersStatusesList().stream().filter(s -> s.getId().equals(c.id()))
                    .findFirst().orElseThrow();
            assertEquals("OOMKilled", inEvent.getReason());
            assertEquals(137, inEvent.getExitCode());
        }
    }

    private static ContainerEventResponse awaitEvent(ContainerEvents.Subscription s, String id,
                                                     ContainerEventType type) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            var e = s.next(Duration.ofSeconds(1));
            if (e.isPresent() && e.get().getContainerId().equals(id) && e.get().getContainerEventType() == type) {
                return e.get();
            }
        }
        throw new AssertionError("no " + type + " for " + id);
    }

    @Test
    void podSysctlsAreSeenInsideWhileTheHostKeepsItsOwn() throws Exception {
        String forward = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip();
        String other = forward.equals("1") ? "0" : "1";
        String msgmax = Files.readString(Path.of("/proc/sys/kernel/msgmax")).strip();
        String shmRmid = Files.readString(Path.of("/proc/sys/kernel/shm_rmid_forced")).strip();
        Sandbox pod = pod("sysctl", NamespaceMode.POD, NamespaceMode.CONTAINER, NamespaceMode.POD,
                java.util.Map.of("kernel.shm_rmid_forced", "1", "kernel.msgmax", "16385",
                        "net.ipv4.ip_forward", other));
        Container c = run(pod, "reader", "exec sleep 600", NamespaceMode.CONTAINER);
        assertEquals("1\n16385\n" + other + "\n", exec(c, "cat /proc/sys/kernel/shm_rmid_forced "
                + "/proc/sys/kernel/msgmax /proc/sys/net/ipv4/ip_forward"));
        assertEquals(forward, Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip());
        assertEquals(msgmax, Files.readString(Path.of("/proc/sys/kernel/msgmax")).strip());
        assertEquals(shmRmid, Files.readString(Path.of("/proc/sys/kernel/shm_rmid_forced")).strip());
    }

    @Test
    void podPidNamespaceHasTheInfraAsPidOneAndShowsEveryContainer() {
        Sandbox pod = pod("pidpod", NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD, java.util.Map.of());
        Container a = run(pod, "a", "exec sleep 601", NamespaceMode.POD);
        Container b = run(pod, "b", "exec sleep 602", NamespaceMode.POD);
        String ps = exec(a, "ps -o pid,args");
        assertTrue(ps.contains("sleep 602"), "a sees b's process: " + ps);
        String one = exec(b, "tr '\\0' ' ' < /proc/1/cmdline");
        assertTrue(one.contains("catatonit"), "pid 1 is the infra process: " + one);
        assertNotEquals("1", exec(a, "echo $$").strip());
    }

    @Test
    void containerAndNodePidModes() throws Exception {
        Sandbox pod = w.runPod("pidmodes");
        Container own = run(pod, "own", "exec sleep 603", NamespaceMode.CONTAINER);
        assertEquals("sleep 603 \n", exec(own, "tr '\\0' ' ' < /proc/1/cmdline; echo"));
        Container host = run(pod, "host", "exec sleep 604", NamespaceMode.NODE);
        long me = ProcessHandle.current().pid();
        assertEquals("yes\n", exec(host, "test -d /proc/" + me + " && echo yes"), "the host's pids are visible");
        assertEquals("no\n", exec(own, "test -e /proc/" + me + "/cmdline && grep -q java /proc/" + me
                + "/cmdline && echo yes || echo no"));
    }

    private static String nsOf(Container c, String kind) {
        return exec(c, "readlink /proc/self/ns/" + kind).strip();
    }

    private static String hostNs(String kind) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/self/ns/" + kind)).toString();
    }

    @Test
    void ipcAndNetworkArePodWideOrTheNodes() throws Exception {
        Sandbox shared = pod("nspod", NamespaceMode.POD, NamespaceMode.CONTAINER, NamespaceMode.POD,
                java.util.Map.of());
        Container a = run(shared, "a", "exec sleep 605", NamespaceMode.CONTAINER);
        Container b = run(shared, "b", "exec sleep 606", NamespaceMode.CONTAINER);
        assertEquals(nsOf(a, "ipc"), nsOf(b, "ipc"));
        assertNotEquals(hostNs("ipc"), nsOf(a, "ipc"));
        assertEquals(nsOf(a, "net"), nsOf(b, "net"));
        assertNotEquals(hostNs("net"), nsOf(a, "net"));
        String links = exec(a, "cat /proc/net/dev");
        assertTrue(links.contains("eth0") && !links.contains(w.bridge), links);

        Sandbox node = pod("nsnode", NamespaceMode.NODE, NamespaceMode.CONTAINER, NamespaceMode.NODE,
                java.util.Map.of());
        Container h = run(node, "h", "exec sleep 607", NamespaceMode.CONTAINER);
        assertEquals(hostNs("ipc"), nsOf(h, "ipc"));
        assertEquals(hostNs("net"), nsOf(h, "net"));
        assertTrue(exec(h, "cat /proc/net/dev").contains(w.bridge), "the node's bridge is visible");
    }

    private record BadCase(String needle, java.util.function.UnaryOperator<
            io.berth.cri.v1.LinuxContainerSecurityContext.Builder> sc) {
    }

    @Test
    void badSecurityInputIsInvalidArgumentNamingTheFieldAndLeavesNothing() throws Exception {
        Sandbox pod = w.runPod("bad");
        Path profile = Files.writeString(w.base.resolve("bad-seccomp.json"), "{\"defaultAction\": ");
        List<BadCase> cases = List.of(
                new BadCase("NO_SUCH_CAP", sc -> sc.setCapabilities(io.berth.cri.v1.Capability.newBuilder()
                        .addAddCapabilities("NO_SUCH_CAP"))),
                new BadCase(profile.toString(), sc -> sc.setSeccomp(io.berth.cri.v1.SecurityProfile.newBuilder()
                        .setProfileType(io.berth.cri.v1.SecurityProfile.ProfileType.Localhost)
                        .setLocalhostRef(profile.toString()))),
                new BadCase("target_id", sc -> sc.setNamespaceOptions(NamespaceOption.newBuilder()
                        .setNetwork(NamespaceMode.POD).setIpc(NamespaceMode.POD).setPid(NamespaceMode.TARGET)
                        .setTargetId("no-such-container"))),
                new BadCase("userns_options", sc -> sc.setNamespaceOptions(NamespaceOption.newBuilder()
                        .setUsernsOptions(io.berth.cri.v1.UserNamespace.newBuilder().setMode(NamespaceMode.POD)
                                .addUids(io.berth.cri.v1.IDMapping.newBuilder().setContainerId(5).setHostId(100000)
                                        .setLength(65536))
                                .addGids(io.berth.cri.v1.IDMapping.newBuilder().setContainerId(0)
                                        .setHostId(100000).setLength(65536))))));
        Path bundles = w.root.resolve("containers");
        for (BadCase bad : cases) {
            int records = w.containers.list(ContainerService.Filter.ALL).size();
            List<String> mounts = w.containerMounts();
            long dirs = countEntries(bundles);
            ContainerConfig.Builder c = w.container("bad", "true");
            bad.sc().apply(c.getLinuxBuilder().getSecurityContextBuilder());
            var e = org.junit.jupiter.api.Assertions.assertThrows(
                    io.berth.common.error.InvalidArgumentException.class, () -> w.create(pod, c));
            assertTrue(e.getMessage().contains(bad.needle()), e.getMessage());
            assertEquals(records, w.containers.list(ContainerService.Filter.ALL).size(), bad.needle());
            assertEquals(mounts, w.containerMounts(), bad.needle());
            assertEquals(dirs, countEntries(bundles), "no bundle left for " + bad.needle());
        }
        // Every failed create released the name.
        Container ok = w.create(pod, w.container("bad", "true"));
        assertEquals(ContainerState.CREATED, ok.state());
    }

    private static long countEntries(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void containerStatusReportsTheUserTheProcessRunsAs() {
        Sandbox pod = w.runPod("user");
        ContainerConfig.Builder c = w.container("who", "exec sleep 608");
        c.getLinuxBuilder().getSecurityContextBuilder()
                .setRunAsUser(io.berth.cri.v1.Int64Value.newBuilder().setValue(4000))
                .setRunAsGroup(io.berth.cri.v1.Int64Value.newBuilder().setValue(5000))
                .addSupplementalGroups(6000);
        Container created = w.create(pod, c);
        w.containers.start(created.id());
        var user = ContainerProtos.status(w.containers.require(created.id())).getUser().getLinux();
        String[] id = exec(created, "id -u; id -g; id -G").strip().split("\n");
        assertEquals(id[0], Long.toString(user.getUid()));
        assertEquals(id[1], Long.toString(user.getGid()));
        java.util.Set<String> groups = new java.util.TreeSet<>(List.of(id[2].split(" ")));
        java.util.Set<String> reported = new java.util.TreeSet<>();
        reported.add(Long.toString(user.getGid()));
        user.getSupplementalGroupsList().forEach(g -> reported.add(Long.toString(g)));
        assertEquals(groups, reported);
        assertEquals("[4000, 5000, 6000]", List.of(user.getUid(), user.getGid(),
                user.getSupplementalGroupsList().getLast()).toString());
    }

    @Test
    void targetPidModeJoinsAnotherContainersNamespace() {
        Sandbox pod = w.runPod("target");
        Container target = run(pod, "t", "exec sleep 609", NamespaceMode.CONTAINER);
        ContainerConfig.Builder c = w.container("joiner", "exec sleep 610");
        c.getLinuxBuilder().getSecurityContextBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                .setNetwork(NamespaceMode.POD).setIpc(NamespaceMode.POD).setPid(NamespaceMode.TARGET)
                .setTargetId(target.id()));
        Container joiner = w.create(pod, c);
        w.containers.start(joiner.id());
        assertEquals("sleep 609 \n", exec(joiner, "tr '\\0' ' ' < /proc/1/cmdline; echo"));
        assertTrue(exec(target, "ps -o args").contains("sleep 610"), "the target sees the joiner too");
    }
}
