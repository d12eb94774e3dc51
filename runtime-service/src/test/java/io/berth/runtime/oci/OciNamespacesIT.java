package io.berth.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.IDMapping;
import io.berth.cri.v1.LinuxContainerConfig;
import io.berth.cri.v1.LinuxContainerSecurityContext;
import io.berth.cri.v1.Mount;
import io.berth.cri.v1.MountPropagation;
import io.berth.cri.v1.NamespaceMode;
import io.berth.cri.v1.NamespaceOption;
import io.berth.cri.v1.UserNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Namespace modes, user namespaces, recursive read-only mounts and volume
 * propagation with the real runc. What the runtime can do is what
 * {@link RuntimeFeatures#probe} says; where it says no, the test checks that the
 * generator refuses instead. The feature tests run once per runtime of
 * {@link RuncBundle#runtimes()}: the system runc and, where this machine has it,
 * a private runc 1.3 (with idmapped mounts).
 */
class OciNamespacesIT extends RuncTest {

    /** Swaps this test's bundle for one on {@code runc}: the optional features differ by runtime. */
    private void use(String runc) throws Exception {
        b.close();
        b = new RuncBundle(runc);
    }

    @Test
    void pidModesContainerNodeAndTarget() throws Exception {
        assertEquals("1\n", b.run(b.input(c -> c, RuncBundle.ownPid()), "echo $$").out());
        var node = new SpecInput.NamespacePlan(null, null, null, null, true, null);
        assertNotEquals("1\n", b.run(b.input(c -> c, node), "echo $$").out());

        long target = b.start(b.input(c -> c, RuncBundle.ownPid()), "exec sleep 60");
        var join = new SpecInput.NamespacePlan(null, null, null, "/proc/" + target + "/ns/pid", false, null);
        RuncBundle.Run r = b.run(b.input(c -> c, join), "cat /proc/1/cmdline | tr '\\0' ' '; echo; echo $$");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("sleep 60"), "pid 1 is the target's init: " + r.out());
        assertNotEquals("1", r.out().strip().lines().reduce((a, z) -> z).orElse(""));
    }

    @ParameterizedTest
    @MethodSource("io.berth.runtime.oci.RuncBundle#runtimes")
    void recursiveReadOnlyCoversSubmountsWhenTheRuntimeCan(String runc) throws Exception {
        use(runc);
        Path vol = b.hostDir("vol");
        Path sub = Files.createDirectories(vol.resolve("sub"));
        b.mountTmpfs(sub);
        Mount.Builder m = Mount.newBuilder().setContainerPath("/data").setHostPath(vol.toString()).setReadonly(true);
        String script = "touch /data/sub/f && echo wrote";
        assertEquals("wrote\n", b.run(b.input(c -> c.addMounts(m), RuncBundle.ownPid()), script).out(),
                "plain ro leaves a submount writable: the reason rro exists");
        var rro = b.input(c -> c.addMounts(m.clone().setRecursiveReadOnly(true)), RuncBundle.ownPid());
        if (!b.features.recursiveReadOnlyMounts()) {
            assertThrows(InvalidArgumentException.class, () -> b.run(rro, script));
            return;
        }
        RuncBundle.Run r = b.run(rro, script);
        assertNotEquals(0, r.exit(), r.out());
        assertTrue(r.err().contains("Read-only file system"), r.err());
    }

    private static IDMapping range(long host) {
        return IDMapping.newBuilder().setContainerId(0).setHostId((int) host).setLength(65536).build();
    }

    @ParameterizedTest
    @MethodSource("io.berth.runtime.oci.RuncBundle#runtimes")
    void podUserNamespaceMapsRootWhenTheRuntimeCan(String runc) throws Exception {
        use(runc);
        long host = 1_000_000L + 65536L * (long) (Math.random() * 100);
        UserNamespace userns = UserNamespace.newBuilder().setMode(NamespaceMode.POD)
                .addUids(range(host)).addGids(range(host)).build();
        var in = b.input(c -> c.setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(
                        NamespaceOption.newBuilder().setUsernsOptions(userns)))), RuncBundle.ownPid());
        String script = "cat /proc/self/uid_map /proc/self/gid_map; id -u";
        if (!b.features.userNamespaces()) {
            assertThrows(io.berth.common.error.FailedPreconditionException.class, () -> b.run(in, script));
            return;
        }
        RuncBundle.Run r = b.run(in, script);
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(("0 " + host + " 65536"), lines[0].strip().replaceAll("\\s+", " "));
        assertEquals(("0 " + host + " 65536"), lines[1].strip().replaceAll("\\s+", " "));
        assertEquals("0", lines[2]);
        // A bare bundle's rootfs is not idmapped: the image's files stay owned by host root, which
        // the namespace's root cannot write. Pods get idmapped rootfs (PodUserNamespaceIT).
        RuncBundle.Run write = b.run(in, "stat -c %u /etc; touch /etc/berth-userns-probe");
        assertTrue(write.out().startsWith("65534"), "host root shows as the overflow id: " + write.out());
        assertNotEquals(0, write.exit(), "the pod's root cannot write its own rootfs yet");
    }

    @ParameterizedTest
    @MethodSource("io.berth.runtime.oci.RuncBundle#runtimes")
    void volumesOfAUserNamespacedPodAreIdmappedWhenTheRuntimeCan(String runc) throws Exception {
        use(runc);
        long host = 2_000_000L + 65536L * (long) (Math.random() * 100);
        Path vol = b.hostDir("idvol");
        Path file = Files.writeString(vol.resolve("f"), "x");
        // An idmapped volume shows on-disk ids as if there were no user namespace: uid 7 stays 7.
        Files.setAttribute(file, "unix:uid", 7);
        UserNamespace userns = UserNamespace.newBuilder().setMode(NamespaceMode.POD)
                .addUids(range(host)).addGids(range(host)).build();
        var in = b.input(c -> c.addMounts(Mount.newBuilder().setContainerPath("/data").setHostPath(vol.toString()))
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                        LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(
                                NamespaceOption.newBuilder().setUsernsOptions(userns)))), RuncBundle.ownPid());
        if (!b.features.userNamespaces()) {
            assertThrows(io.berth.common.error.FailedPreconditionException.class, () -> b.run(in, "true"));
            return;
        }
        if (!b.features.idmapMounts()) {
            // A bare bundle has no pinned pod namespace for berthd to idmap a copy with.
            var e = assertThrows(InvalidArgumentException.class, () -> b.run(in, "true"));
            assertTrue(e.getMessage().contains("/data"), e.getMessage());
            return;
        }
        RuncBundle.Run r = b.run(in, "stat -c %u /data/f");
        assertEquals(0, r.exit(), r.err());
        assertEquals("7\n", r.out(), "without the idmap the container would see 65534 (unmapped)");
    }

    @ParameterizedTest
    @MethodSource("io.berth.runtime.oci.RuncBundle#runtimes")
    void theProbeNeverClaimsIdmapFromARuntimeWithoutIt(String runc) throws Exception {
        use(runc);
        RuncBundle.Run v = b.run(b.input(c -> c, RuncBundle.ownPid()), "true");
        assertEquals(0, v.exit(), v.err());
        var out = io.berth.common.exec.CommandRunner.system().run(io.berth.common.exec.Command.of(
                java.time.Duration.ofSeconds(10), runc, "features"));
        boolean announced = out.ok() && RuncBundle.tree(out.stdoutText()).at("/linux/mountExtensions/idmap/enabled")
                .asBoolean(false);
        assertEquals(announced && KernelVersion.running().atLeast(RuntimeFeatures.MOUNT_SETATTR),
                b.features.idmapMounts(), "idmap is claimed exactly when the runtime announces it");
        assertEquals(b.features.userNamespacedPods(), b.features.toCri().getUserNamespaces());
        assertEquals(b.features.recursiveReadOnlyMounts(), b.features.toCri().getRecursiveReadOnlyMounts());
    }

    @Test
    void privateVolumesMissLaterHostMountsAndBidirectionalOnesShareBothWays() throws Exception {
        Path vol = b.hostDir("pvol");
        // Its own mount point, so making the source shared for rshared touches nothing else on the host.
        b.mountTmpfs(vol);
        for (String d : List.of("late", "fromc", "late2")) {
            Files.createDirectories(vol.resolve(d));
        }
        Mount.Builder m = Mount.newBuilder().setContainerPath("/data").setHostPath(vol.toString());
        long priv = b.start(b.input(c -> c.addMounts(m.clone().setPropagation(MountPropagation.PROPAGATION_PRIVATE)),
                RuncBundle.ownPid()), "exec sleep 600");
        b.mountTmpfs(vol.resolve("late"));
        Files.writeString(vol.resolve("late/marker"), "x");
        RuncBundle.Run seen = b.inside(priv, "/bin/busybox", "ls", "/data/late");
        assertEquals(0, seen.exit(), seen.err());
        assertEquals("", seen.out(), "a private volume does not get the host's later mount");

        Mount.Builder bidi = m.clone().setPropagation(MountPropagation.PROPAGATION_BIDIRECTIONAL);
        var e = assertThrows(InvalidArgumentException.class,
                () -> b.run(b.input(c -> c.addMounts(bidi), RuncBundle.ownPid()), "true"));
        assertTrue(e.getMessage().contains("/data"), e.getMessage());
        long shared = b.start(b.input(c -> SpecFixture.security(sc -> sc.setPrivileged(true)).apply(c)
                .addMounts(bidi), RuncBundle.ownPid()),
                "mount -t tmpfs none /data/fromc && touch /data/fromc/made-inside; exec sleep 600");
        b.trackMount(vol.resolve("fromc"));
        long end = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        while (!Files.exists(vol.resolve("fromc/made-inside")) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(vol.resolve("fromc/made-inside")), "the container's mount reached the host");
        b.mountTmpfs(vol.resolve("late2"));
        Files.writeString(vol.resolve("late2/marker"), "x");
        assertEquals("marker\n", b.inside(shared, "/bin/busybox", "ls", "/data/late2").out(),
                "and the host's later mount reached the container");
    }
}
