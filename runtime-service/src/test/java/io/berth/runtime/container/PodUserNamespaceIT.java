package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.IDMapping;
import io.berth.cri.v1.LinuxPodSandboxConfig;
import io.berth.cri.v1.Mount;
import io.berth.cri.v1.NamespaceMode;
import io.berth.cri.v1.NamespaceOption;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.cri.v1.UserNamespace;
import io.berth.runtime.sandbox.Sandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pods with a user namespace of their own (userns_options POD) on the real
 * node: runc as berthd probes it, an idmapped overlay rootfs, CNI in the pod's
 * netns, everything looked at from inside the containers and from the host.
 */
class PodUserNamespaceIT {

    /** One world per runtime (runc 1.1.5 everywhere, plus the private runc 1.3 where this machine has it). */
    static final java.util.Map<String, World> WORLDS = new java.util.LinkedHashMap<>();
    static World w;

    static void use(String runtime) throws Exception {
        w = WORLDS.get(runtime);
        if (w == null) {
            w = new World(runtime);
            WORLDS.put(runtime, w);
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (World each : WORLDS.values()) {
            each.close();
        }
    }

    /** A random 65536-id range far above any real user, so that concurrent runs do not share one. */
    static long hostBase() {
        return 2_000_000_000L + ThreadLocalRandom.current().nextInt(1000) * 65_536L;
    }

    static NamespaceOption userns(long hostBase, NamespaceMode pid) {
        IDMapping range = IDMapping.newBuilder().setContainerId(0).setHostId((int) hostBase).setLength(65536).build();
        return NamespaceOption.newBuilder().setNetwork(NamespaceMode.POD).setPid(pid).setIpc(NamespaceMode.POD)
                .setUsernsOptions(UserNamespace.newBuilder().setMode(NamespaceMode.POD).addUids(range).addGids(range))
                .build();
    }

    static Sandbox pod(String name, NamespaceOption ns) {
        PodSandboxConfig base = w.pod(name);
        // Sysctls go into the pod's IPC and network namespaces, which its user namespace owns.
        LinuxPodSandboxConfig.Builder linux = base.getLinux().toBuilder().putSysctls("kernel.shm_rmid_forced", "1")
                .putSysctls("net.ipv4.ip_forward", "1");
        linux.getSecurityContextBuilder().setNamespaceOptions(ns);
        return w.sandboxes.run(base.toBuilder().setLinux(linux).build(), "");
    }

    /** The kubelet copies the pod's namespace options, userns_options included, into every container. */
    static Container run(Sandbox pod, String name, String script, Mount... volumes) {
        ContainerConfig.Builder c = w.container(name, script).addAllMounts(List.of(volumes));
        c.getLinuxBuilder().getSecurityContextBuilder().setNamespaceOptions(
                pod.parsedConfig().getLinux().getSecurityContext().getNamespaceOptions());
        Container created = w.containers.create(pod.id(), c.build(), pod.parsedConfig());
        w.containers.start(created.id());
        return w.containers.require(created.id());
    }

    static String exec(Container c, String script) {
        ExecResult r = w.containers.execSync(c.id(), List.of("sh", "-c", script), 20);
        return new String(r.stdout(), StandardCharsets.UTF_8) + new String(r.stderr(), StandardCharsets.UTF_8);
    }

    static String hostStatus(Container c, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + c.process().pid() + "/status"))) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip().split("\\s+")[0];
            }
        }
        throw new AssertionError("no " + field + " in /proc/" + c.process().pid() + "/status");
    }

    @ParameterizedTest
    @MethodSource("io.berth.runtime.oci.RuncBundle#runtimes")
    void twoContainersShareThePodsUserNamespaceAndOwnTheirRootfs(String runtime) throws Exception {
        use(runtime);
        assertTrue(w.specs.hostFor("runc").runtime().toCri().getUserNamespaces(),
                "Status claims user namespaces for " + runtime + " on this kernel");
        long base = hostBase();
        Sandbox pod = pod("userns", userns(base, NamespaceMode.POD));
        Path vol = Files.createDirectories(w.base.resolve("vol-" + runtime.hashCode()));
        Files.setAttribute(Files.writeString(vol.resolve("seven"), "7"), "unix:uid", 7);
        Path cfg = Files.writeString(w.base.resolve("cfg-" + runtime.hashCode()), "config\n");
        Container a = run(pod, "a", "exec sleep 620", Mount.newBuilder().setContainerPath("/data")
                .setHostPath(vol.toString()).build(), Mount.newBuilder().setContainerPath("/etc/app.conf")
                .setHostPath(cfg.toString()).setReadonly(true).build());
        Container b = run(pod, "b", "exec sleep 621");

        assertEquals("0 " + base + " 65536", exec(a, "cat /proc/self/uid_map").strip()
                .replaceAll("\\s+", " "));
        assertEquals("0 " + base + " 65536", exec(a, "cat /proc/self/gid_map").strip()
                .replaceAll("\\s+", " "));
        assertEquals("0 0", exec(a, "echo $(id -u) $(id -g)").strip());
        assertEquals(Long.toString(base), hostStatus(a, "Uid"), "container root is the mapped id on the host");
        assertEquals(Long.toString(base), hostStatus(b, "Gid"));

        // Image files (root's on disk) are root's inside; a new file is the mapped id on disk.
        assertEquals("0 0", exec(a, "stat -c '%u %g' /bin/busybox").strip());
        assertEquals("", exec(a, "echo hi > /made-inside && mkdir -p /etc/sub && touch /etc/sub/f"));
        Path upper = w.root.resolve("containers").resolve(a.id()).resolve("upper");
        assertEquals((int) base, Files.getAttribute(upper.resolve("made-inside"), "unix:uid"));
        assertEquals((int) base, Files.getAttribute(upper.resolve("etc/sub/f"), "unix:gid"));
        assertEquals((int) base, Files.getAttribute(upper.resolve("etc"), "unix:uid"), "copied up as root's");

        // A hostPath volume shows its on-disk ids (idmapped: by runc 1.3, by berthd for runc 1.1) and
        // takes writes from the pod's root, which land on disk as root's.
        assertEquals("7 7", exec(a, "echo $(stat -c %u /data/seven) $(cat /data/seven)").strip());
        assertEquals("", exec(a, "echo w > /data/written"));
        assertEquals(0, Files.getAttribute(vol.resolve("written"), "unix:uid"));
        assertEquals("config 0", exec(a, "echo $(cat /etc/app.conf) $(stat -c %u /etc/app.conf)").strip(),
                "a single-file volume too");
        assertTrue(exec(a, "echo x > /etc/app.conf").contains("Read-only"), "and it stays read-only");
        boolean runtimeIdmaps = w.specs.hostFor("runc").runtime().idmapMounts();
        assertEquals(runtimeIdmaps ? 0 : 2, w.mountsOfThisWorld().stream().filter(m -> m.contains("idmap-volumes"))
                .count(), "berthd's idmapped copies exist exactly when the runtime cannot idmap");

        // One user namespace for the pod, the one berthd pinned, owning the net, IPC and UTS namespaces:
        // otherwise runc could not have mounted sysfs and mqueue for its root.
        String userA = exec(a, "readlink /proc/self/ns/user").strip();
        assertEquals(userA, exec(b, "readlink /proc/self/ns/user").strip());
        Path pin = Path.of(pod.namespaces().user());
        assertEquals("user:[" + Files.getAttribute(pin, "unix:ino") + "]", userA);
        assertFalse(userA.equals(Files.readSymbolicLink(Path.of("/proc/self/ns/user")).toString()));
        String mounts = exec(a, "cat /proc/self/mounts");
        assertTrue(mounts.contains(" /sys sysfs "), mounts);
        assertTrue(mounts.contains(" /dev/mqueue mqueue "), mounts);
        assertEquals("userns", exec(b, "hostname").strip());
        assertEquals(exec(a, "readlink /proc/self/ns/net /proc/self/ns/ipc /proc/self/ns/pid"),
                exec(b, "readlink /proc/self/ns/net /proc/self/ns/ipc /proc/self/ns/pid"));
        assertTrue(exec(a, "ip -o addr show eth0").contains("inet "), "CNI ran in the pod netns");
        assertEquals("1 1", exec(b, "echo $(cat /proc/sys/kernel/shm_rmid_forced /proc/sys/net/ipv4/ip_forward)")
                .strip());
        assertTrue(exec(a, "cat /etc/resolv.conf").contains("nameserver 10.96.0.10"), "pod files are readable");
        assertEquals("", exec(a, "echo x > /dev/shm/a"));
        assertEquals("x", exec(b, "cat /dev/shm/a").strip(), "the pod's /dev/shm is shared and writable");
        // The infra (PID 1 of the pod) runs as the pod's root too, never as host root.
        assertEquals("0", exec(a, "stat -c %u /proc/1").strip(), "PID 1 (catatonit) is the pod's root inside");
        assertTrue(exec(a, "cat /proc/1/cmdline").contains("catatonit"));

        removeAndCheckNothingLeft(pod);
        assertEquals("7", Files.readString(vol.resolve("seven")), "the volume outlives the pod untouched");
    }

    @ParameterizedTest
    @MethodSource("io.berth.runtime.oci.RuncBundle#runtimes")
    void aPodWithoutASharedPidNamespaceKeepsItsUserNamespaceInPinsAlone(String runtime) throws Exception {
        use(runtime);
        long base = hostBase();
        Sandbox pod = pod("userns-ctr", userns(base, NamespaceMode.CONTAINER));
        assertEquals(null, pod.namespaces().infra());
        Container a = run(pod, "a", "exec sleep 622");
        assertEquals("0 " + base + " 65536", exec(a, "cat /proc/self/uid_map").strip()
                .replaceAll("\\s+", " "));
        assertEquals("sleep 622", exec(a, "tr '\\0' ' ' < /proc/1/cmdline").strip(), "its own PID namespace");
        assertTrue(exec(a, "cat /proc/self/mounts").contains(" /dev/mqueue mqueue "));
        // The process that made the namespaces is gone; the pins alone keep them.
        String user = exec(a, "readlink /proc/self/ns/user").strip();
        assertEquals(List.of(a.process().pid()), processesIn(user, 1, 10));
        removeAndCheckNothingLeft(pod);
    }

    /** A berthd restart: the pod stays READY on its pins, its container keeps running, and removal unpins all. */
    @ParameterizedTest
    @MethodSource("io.berth.runtime.oci.RuncBundle#runtimes")
    void aRestartKeepsThePodOnItsPinsAndRemovalStillCleansUp(String runtime) throws Exception {
        use(runtime);
        long base = hostBase();
        Sandbox pod = pod("userns-restart", userns(base, NamespaceMode.POD));
        Container a = run(pod, "a", "exec sleep 623");
        w.newServices();
        assertEquals(io.berth.runtime.sandbox.SandboxState.READY, w.sandboxes.require(pod.id()).state());
        assertEquals(ContainerState.RUNNING, w.containers.require(a.id()).state());
        assertEquals("0 " + base + " 65536", exec(a, "cat /proc/self/uid_map").strip().replaceAll("\\s+", " "));
        Container b = run(w.sandboxes.require(pod.id()), "b", "exec sleep 624");
        assertEquals(exec(a, "readlink /proc/self/ns/user"), exec(b, "readlink /proc/self/ns/user"));
        removeAndCheckNothingLeft(pod);
    }

    /** A RunPodSandbox that fails after the user namespace exists (the kernel refuses a sysctl value). */
    @ParameterizedTest
    @MethodSource("io.berth.runtime.oci.RuncBundle#runtimes")
    void aFailedRunLeavesNoNamespaceProcessOrPin(String runtime) throws Exception {
        use(runtime);
        long base = hostBase();
        PodSandboxConfig bad = w.pod("userns-bad");
        LinuxPodSandboxConfig.Builder linux = bad.getLinux().toBuilder().putSysctls("kernel.msgmax", "many");
        linux.getSecurityContextBuilder().setNamespaceOptions(userns(base, NamespaceMode.POD));
        List<String> mounts = w.mountsOfThisWorld();
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.berth.common.error.InvalidArgumentException.class,
                () -> w.sandboxes.run(bad.toBuilder().setLinux(linux).build(), ""));
        assertTrue(e.getMessage().contains("kernel.msgmax"), e.getMessage());
        assertEquals(mounts, w.mountsOfThisWorld(), "no pin left");
        assertEquals(List.of(), w.sandboxes.list(null));
        long end = System.nanoTime() + 10_000_000_000L;
        List<Long> left;
        do {
            left = processesOwnedBy(base);
            Thread.sleep(50);
        } while (!left.isEmpty() && System.nanoTime() < end);
        assertEquals(List.of(), left, "the infra process (the pod's root) is gone");
    }

    static List<Long> processesOwnedBy(long uid) throws Exception {
        List<Long> out = new java.util.ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(q -> q.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    if (stat.charAt(stat.lastIndexOf(')') + 2) != 'Z'
                            && ((Number) Files.getAttribute(p, "unix:uid")).longValue() == uid) {
                        out.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (java.io.IOException gone) {
                    // exited while we looked
                }
            }
        }
        return out;
    }

    /**
     * Live processes in the user namespace {@code link} ("user:[N]"), waiting up to {@code seconds} for
     * there to be no more than {@code expected} (zombies count as gone: PID 1 here reaps orphans late).
     */
    static List<Long> processesIn(String link, int expected, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Long> found;
        do {
            found = new java.util.ArrayList<>();
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path p : procs.filter(q -> q.getFileName().toString().matches("\\d+")).toList()) {
                    try {
                        String stat = Files.readString(p.resolve("stat"));
                        if (stat.charAt(stat.lastIndexOf(')') + 2) != 'Z'
                                && Files.readSymbolicLink(p.resolve("ns/user")).toString().equals(link)) {
                            found.add(Long.parseLong(p.getFileName().toString()));
                        }
                    } catch (java.io.IOException gone) {
                        // exited while we looked
                    }
                }
            }
            if (found.size() <= expected) {
                return found;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < end);
        return found;
    }

    private static void removeAndCheckNothingLeft(Sandbox pod) throws Exception {
        String user = "user:[" + Files.getAttribute(Path.of(pod.namespaces().user()), "unix:ino") + "]";
        List<Path> pins = List.of(Path.of(pod.namespaces().user()), Path.of(pod.namespaces().ipc()),
                Path.of(pod.namespaces().uts()), Path.of(pod.namespaces().netns()));
        w.sandboxes.remove(pod.id());
        for (Path p : pins) {
            assertFalse(Files.exists(p), p + " left");
        }
        assertEquals(List.of(), w.containerMounts());
        assertEquals(List.of(), w.mountsOfThisWorld().stream().filter(m -> m.contains("idmap-volumes")).toList());
        assertEquals(List.of(), w.mountsOfThisWorld().stream().filter(m -> m.contains(pod.id())).toList());
        assertEquals(List.of(), processesIn(user, 0, 10), "infra and containers gone with the pod");
    }
}
