package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.BerthException;
import io.berth.cri.v1.LinuxSandboxSecurityContext;
import io.berth.cri.v1.NamespaceMode;
import io.berth.cri.v1.NamespaceOption;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.runtime.sandbox.Sandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * /dev/shm is the pod's (issue 6, "Mounts"): the sandbox owns one tmpfs that
 * all its containers bind, another pod has its own, a hostIPC pod uses the
 * node's, and nothing stays mounted after the pod goes (sandbox package,
 * helper C; it lives here for the real containers of {@link World}).
 */
@Timeout(300)
class PodShmIT {

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

    private static String exec(Container c, String script) {
        ExecResult r = w.containers.execSync(c.id(), List.of("sh", "-c", script), 10);
        return new String(r.stdout(), StandardCharsets.UTF_8) + new String(r.stderr(), StandardCharsets.UTF_8);
    }

    private static List<String> shmMountsOf(Sandbox pod) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" "))
                .filter(f -> f[4].startsWith(w.state.resolve("sandboxes").resolve(pod.id()).toString()))
                .map(f -> f[4] + " " + String.join(" ", List.of(f).subList(5, f.length))).toList();
    }

    @Test
    void containersOfOnePodShareDevShmAndAnotherPodDoesNot() throws Exception {
        Sandbox a = w.runPod("shm-a");
        Sandbox b = w.runPod("shm-b");
        Container writer = w.run(a, "writer", "sleep 1000");
        Container reader = w.run(a, "reader", "sleep 1000");
        Container stranger = w.run(b, "stranger", "sleep 1000");

        assertEquals("", exec(writer, "echo from-writer > /dev/shm/note"));
        assertEquals("from-writer\n", exec(reader, "cat /dev/shm/note"));
        assertTrue(exec(stranger, "cat /dev/shm/note; echo rc=$?").contains("rc=1"), "another pod sees the file");
        // The pod's tmpfs, with the options a container's own /dev/shm has.
        String mnt = exec(reader, "grep ' /dev/shm ' /proc/mounts");
        assertTrue(mnt.startsWith("shm /dev/shm tmpfs ") && mnt.contains("nosuid") && mnt.contains("nodev")
                && mnt.contains("noexec") && mnt.contains("size=65536k"), mnt);
        assertEquals("1777\n", exec(reader, "stat -c %a /dev/shm"));
        assertEquals(1, shmMountsOf(a).stream().filter(m -> m.contains(" shm ")).count(), shmMountsOf(a).toString());

        // A container that joins later still sees what the pod wrote.
        Container late = w.run(a, "late", "sleep 1000");
        assertEquals("from-writer\n", exec(late, "cat /dev/shm/note"));

        w.sandboxes.stop(a.id());
        assertEquals(List.of(), shmMountsOf(a).stream().filter(m -> m.contains(" shm ")).toList(),
                "the pod's /dev/shm outlived StopPodSandbox");
        w.sandboxes.remove(a.id());
        w.sandboxes.remove(b.id());
        assertEquals(List.of(), shmMountsOf(a));
        assertEquals(List.of(), shmMountsOf(b));
        assertFalse(Files.exists(w.state.resolve("sandboxes").resolve(a.id())));
    }

    @Test
    void aHostIpcPodUsesTheNodesDevShm() throws Exception {
        PodSandboxConfig cfg = w.pod("shm-host");
        cfg = cfg.toBuilder().setLinux(cfg.getLinux().toBuilder().setSecurityContext(
                LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                        .setNetwork(NamespaceMode.POD).setPid(NamespaceMode.CONTAINER)
                        .setIpc(NamespaceMode.NODE)))).build();
        Sandbox pod = w.sandboxes.run(cfg, "");
        Path probe = Path.of("/dev/shm", "berth-shm-it-" + w.tag);
        Files.writeString(probe, "from-the-node\n");
        try {
            Container c = w.create(pod, w.container("hostipc", "sleep 1000"));
            w.containers.start(c.id());
            assertEquals("from-the-node\n", exec(c, "cat " + probe));
            assertEquals(List.of(), shmMountsOf(pod).stream().filter(m -> m.contains(" tmpfs ")).toList(),
                    "a hostIPC pod mounts no tmpfs of its own");
        } finally {
            Files.deleteIfExists(probe);
            w.sandboxes.remove(pod.id());
        }
    }

    @Test
    void aFailedRunPodSandboxLeavesNoShmMounted() throws Exception {
        PodSandboxConfig cfg = w.pod("shm-fail");
        PodSandboxConfig bad = cfg.toBuilder().setLinux(cfg.getLinux().toBuilder()
                .putSysctls("net.ipv4.berth_no_such_knob", "1")).build();
        assertThrows(BerthException.class, () -> w.sandboxes.run(bad, ""));
        List<String> left = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" ")[4])
                .filter(m -> m.startsWith(w.state.resolve("sandboxes").toString())).toList();
        assertEquals(List.of(), left);
    }
}
