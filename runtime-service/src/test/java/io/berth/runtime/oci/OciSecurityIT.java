package io.berth.runtime.oci;

import static io.berth.runtime.oci.RuncBundle.ownPid;
import static io.berth.runtime.oci.RuncBundle.statusLine;
import static io.berth.runtime.oci.SpecFixture.security;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import io.berth.common.exec.Command;
import io.berth.common.exec.CommandRunner;
import io.berth.cri.v1.Capability;
import io.berth.cri.v1.LinuxContainerSecurityContext;
import io.berth.cri.v1.SecurityProfile;
import io.berth.cri.v1.SupplementalGroupsPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The rest of issue #8's user, privilege, seccomp and path rules, each
 * checked from inside a real runc container over a busybox rootfs: group
 * policies, ALL capabilities, a setuid binary under no_new_privs, Localhost
 * and legacy seccomp profiles, the kubelet's own masked/readonly lists and
 * what privileged opens up. Needs root, runc, busybox-static, gcc, libc6-dev.
 */
class OciSecurityIT extends RuncTest {

    private RuncBundle.Run run(UnaryOperator<LinuxContainerSecurityContext.Builder> sc, String script)
            throws Exception {
        return b.run(b.input(security(sc), ownPid()), script);
    }

    private static long capEff(RuncBundle.Run r) {
        return Long.parseUnsignedLong(statusLine(r.out(), "CapEff"), 16);
    }

    @Test
    void strictGroupsAreOnlyTheRequestedOnesAndMergeAddsTheImagesGroups() throws Exception {
        RuncBundle.Run strict = run(sc -> sc.setRunAsUsername("app").addSupplementalGroups(4242)
                .setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Strict), "id -G");
        assertEquals(0, strict.exit(), strict.err());
        assertEquals(List.of("1000", "4242"), List.of(strict.out().strip().split(" ")));
        RuncBundle.Run merge = run(sc -> sc.setRunAsUsername("app").addSupplementalGroups(4242), "id -G");
        assertEquals(List.of("44", "1000", "4242"), List.of(merge.out().strip().split(" ")).stream().sorted(
                java.util.Comparator.comparingInt(Integer::parseInt)).toList(), "video (44) from /etc/group");
    }

    @Test
    void allOnEitherSide() throws Exception {
        long bounding = 0;
        for (String c : Capabilities.hostBounding()) {
            bounding |= 1L << Capabilities.BY_NUMBER.indexOf(c);
        }
        String status = "cat /proc/self/status";
        assertEquals(bounding, capEff(run(sc -> sc.setCapabilities(Capability.newBuilder()
                .addAddCapabilities("ALL")), status)), "ALL is every capability berthd holds");
        assertEquals(0L, capEff(run(sc -> sc.setCapabilities(Capability.newBuilder()
                .addDropCapabilities("ALL")), status)));
        assertEquals(1L << 10, capEff(run(sc -> sc.setCapabilities(Capability.newBuilder()
                .addDropCapabilities("ALL").addAddCapabilities("NET_BIND_SERVICE")), status)));
        RuncBundle.Run chown = run(sc -> sc.setCapabilities(Capability.newBuilder().addDropCapabilities("ALL")),
                "touch /tmp/f && chown 5:5 /tmp/f");
        assertNotEquals(0, chown.exit(), "without CAP_CHOWN root cannot give a file away");
    }

    /** A static program that prints its effective uid, installed setuid root in the rootfs. */
    private void installSetuidProbe() throws Exception {
        Path src = b.base.resolve("euid.c");
        Files.writeString(src, "#include <stdio.h>\n#include <unistd.h>\n"
                + "int main(void) { printf(\"%d\\n\", (int) geteuid()); return 0; }\n");
        Path bin = b.rootfs.resolve("bin/euid");
        var r = CommandRunner.system().run(Command.of(Duration.ofSeconds(120), "gcc", "-static", "-O2", "-o",
                bin.toString(), src.toString()));
        assertEquals(0, r.exitCode(), r.stderrText());
        var chmod = CommandRunner.system().run(Command.of(Duration.ofSeconds(10), "chmod", "4755", bin.toString()));
        assertEquals(0, chmod.exitCode(), chmod.stderrText());
    }

    @Test
    void noNewPrivsStopsASetuidBinaryFromRaisingItsUid() throws Exception {
        installSetuidProbe();
        UnaryOperator<LinuxContainerSecurityContext.Builder> app = sc -> sc.setRunAsUsername("app");
        RuncBundle.Run open = run(app, "/bin/euid");
        assertEquals("0\n", open.out(), "setuid works without no_new_privs: " + open.err());
        RuncBundle.Run nnp = run(sc -> app.apply(sc).setNoNewPrivs(true), "/bin/euid");
        assertEquals("1000\n", nnp.out(), nnp.err());
    }

    private Path profile(String json) throws Exception {
        Path p = b.base.resolve("profile-" + System.nanoTime() + ".json");
        Files.writeString(p, json);
        return p;
    }

    @Test
    void localhostProfilesAreEnforcedInBothForms() throws Exception {
        Path p = profile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],"
                + "\"action\":\"SCMP_ACT_ERRNO\"}]}");
        String script = "mkdir /tmp/d && echo made";
        RuncBundle.Run field = run(sc -> sc.setSeccomp(SecurityProfile.newBuilder()
                .setProfileType(SecurityProfile.ProfileType.Localhost).setLocalhostRef(p.toString())), script);
        assertNotEquals(0, field.exit());
        assertTrue(field.err().contains("Operation not permitted"), field.err());
        RuncBundle.Run legacy = run(sc -> sc.setSeccompProfilePath("localhost/" + p), script);
        assertNotEquals(0, legacy.exit(), legacy.out());
        assertEquals("made\n", run(sc -> sc, script).out(), "and without the profile mkdir works");
    }

    @Test
    void legacyProfilePathNames() throws Exception {
        String seccomp = "grep Seccomp: /proc/self/status";
        for (String name : List.of("runtime/default", "docker/default")) {
            assertEquals("Seccomp:\t2\n", run(sc -> sc.setSeccompProfilePath(name), seccomp).out(), name);
        }
        assertEquals("Seccomp:\t0\n", run(sc -> sc.setSeccompProfilePath("unconfined"), seccomp).out());
    }

    @Test
    void missingOrMalformedProfilesAreRefusedNamingTheFile() throws Exception {
        Path bad = profile("{\"defaultAction\": [");
        Path missing = b.base.resolve("no-such-profile.json");
        for (Path p : List.of(bad, missing)) {
            var e = assertThrows(InvalidArgumentException.class, () -> run(sc -> sc.setSeccomp(SecurityProfile
                    .newBuilder().setProfileType(SecurityProfile.ProfileType.Localhost)
                    .setLocalhostRef(p.toString())), "true"));
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        }
    }

    @Test
    void theKubeletsListsReplaceTheDefaults() throws Exception {
        RuncBundle.Run r = run(sc -> sc.addMaskedPaths("/proc/cpuinfo").addReadonlyPaths("/etc"),
                "wc -c < /proc/cpuinfo; head -c 1 /proc/timer_list | wc -c; "
                        + "touch /etc/x 2>&1 || true");
        String[] lines = r.out().strip().split("\n");
        assertEquals("0", lines[0].strip(), r.out());
        assertEquals("1", lines[1].strip(), "the default mask of /proc/timer_list is not added to the kubelet's list");
        assertTrue(lines[2].contains("Read-only file system"), r.out());
    }

    @Test
    void privilegedOpensHostDevicesSysAndTheDeviceCgroup() throws Exception {
        assertTrue(Files.exists(Path.of("/dev/loop-control")), "this host has /dev/loop-control");
        String script = "test -e /dev/loop-control && echo device; grep -q ' /sys sysfs rw' /proc/self/mounts "
                + "&& echo sys-rw; rm -f /tmp/lc; mknod /tmp/lc c 10 237 && : < /tmp/lc && echo opened";
        RuncBundle.Run privileged = run(sc -> sc.setPrivileged(true), script);
        assertEquals("device\nsys-rw\nopened\n", privileged.out(), privileged.err());
        RuncBundle.Run plain = run(sc -> sc, script);
        assertFalse(plain.out().contains("device") || plain.out().contains("sys-rw")
                || plain.out().contains("opened"), plain.out());
        assertTrue(plain.err().contains("Operation not permitted"), "the device cgroup refuses: [" + plain.err()
                + "] " + plain.exit());
    }

    /** RuncBundle gives every container its own UTS namespace, so no hostname here is the node's. */
    @Test
    void runtimeDefaultLetsOnlySysAdminSetTheHostnameAndPrivilegedIgnoresIt() throws Exception {
        UnaryOperator<LinuxContainerSecurityContext.Builder> rd = sc -> sc.setSeccomp(SecurityProfile.newBuilder()
                .setProfileType(SecurityProfile.ProfileType.RuntimeDefault));
        RuncBundle.Run admin = run(sc -> rd.apply(sc).setCapabilities(Capability.newBuilder()
                .addAddCapabilities("SYS_ADMIN")), "hostname berth-sethostname && hostname");
        assertEquals("berth-sethostname\n", admin.out(), admin.err());
        RuncBundle.Run plain = run(rd, "hostname berth-refused");
        assertNotEquals(0, plain.exit());
        assertTrue(plain.err().contains("Operation not permitted"), plain.err());
        assertEquals("Seccomp:\t0\n", run(sc -> rd.apply(sc).setPrivileged(true),
                "grep Seccomp: /proc/self/status").out(), "privileged containers are never filtered");
    }
}
