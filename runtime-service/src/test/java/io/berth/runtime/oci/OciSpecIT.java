package io.berth.runtime.oci;

import static io.berth.runtime.oci.RuncBundle.ownPid;
import static io.berth.runtime.oci.RuncBundle.statusLine;
import static io.berth.runtime.oci.SpecFixture.security;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.Capability;
import io.berth.cri.v1.Int64Value;
import io.berth.cri.v1.LinuxContainerSecurityContext;
import io.berth.cri.v1.SecurityProfile;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The generator's security rules checked from inside real containers: runc
 * runs each generated config.json over a busybox rootfs and the test reads
 * /proc/self/status, `id` and failed writes. Needs root, runc, busybox-static.
 */
class OciSpecIT extends RuncTest {

    private RuncBundle.Run run(UnaryOperator<LinuxContainerSecurityContext.Builder> sc, String script)
            throws Exception {
        RuncBundle.Run r = b.run(b.input(security(sc), ownPid()), script);
        return r;
    }

    private static long mask(java.util.List<String> caps) {
        long m = 0;
        for (String c : caps) {
            m |= 1L << Capabilities.BY_NUMBER.indexOf(c);
        }
        return m;
    }

    @Test
    void defaultCapabilitiesAreExactlyTheDefaultSet() throws Exception {
        RuncBundle.Run r = run(sc -> sc, "cat /proc/self/status");
        assertEquals(0, r.exit(), r.err());
        assertEquals(mask(Capabilities.DEFAULT), Long.parseUnsignedLong(statusLine(r.out(), "CapEff"), 16));
        assertEquals(mask(Capabilities.DEFAULT), Long.parseUnsignedLong(statusLine(r.out(), "CapBnd"), 16));
    }

    @Test
    void addAndDropChangeWhatTheProcessHolds() throws Exception {
        RuncBundle.Run r = run(sc -> sc.setCapabilities(Capability.newBuilder().addAddCapabilities("NET_ADMIN")
                .addDropCapabilities("CHOWN")), "cat /proc/self/status");
        long eff = Long.parseUnsignedLong(statusLine(r.out(), "CapEff"), 16);
        assertTrue((eff & (1L << 12)) != 0, "CAP_NET_ADMIN");
        assertEquals(0, eff & 1L, "CAP_CHOWN");
    }

    @Test
    void privilegedGetsWhatBerthdHoldsAndNoSeccomp() throws Exception {
        RuncBundle.Run r = run(sc -> sc.setPrivileged(true), "cat /proc/self/status");
        assertEquals(0, r.exit(), r.err());
        assertEquals(mask(Capabilities.hostBounding()), Long.parseUnsignedLong(statusLine(r.out(), "CapEff"), 16));
        assertEquals("0", statusLine(r.out(), "Seccomp"));
    }

    @Test
    void usersAndGroupsComeFromTheImagesFiles() throws Exception {
        RuncBundle.Run r = run(sc -> sc.setRunAsUsername("app").addSupplementalGroups(4242), "id");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("uid=1000(app) gid=1000(app) groups="), r.out());
        assertTrue(r.out().contains("44(video)") && r.out().contains("4242"), r.out());
        RuncBundle.Run numeric = run(sc -> sc.setRunAsUser(Int64Value.newBuilder().setValue(5000))
                .setRunAsGroup(Int64Value.newBuilder().setValue(6000)), "id -u; id -g");
        assertEquals("5000\n6000\n", numeric.out());
    }

    @Test
    void noNewPrivsReachesTheKernel() throws Exception {
        assertEquals("1", statusLine(run(sc -> sc.setNoNewPrivs(true), "cat /proc/self/status").out(),
                "NoNewPrivs"));
        assertEquals("0", statusLine(run(sc -> sc, "cat /proc/self/status").out(), "NoNewPrivs"));
    }

    @Test
    void readonlyRootfsRefusesWrites() throws Exception {
        RuncBundle.Run r = run(sc -> sc.setReadonlyRootfs(true), "touch /newfile");
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("Read-only file system"), r.err());
        assertEquals(0, run(sc -> sc, "touch /newfile").exit());
    }

    /** Paths this kernel has (it lacks /proc/kcore and /proc/sysrq-trigger), checked on the host first. */
    @Test
    void maskedAndReadonlyPathsHold() throws Exception {
        for (String p : java.util.List.of("/proc/timer_list", "/proc/keys", "/sys/firmware", "/proc/irq")) {
            assertTrue(java.nio.file.Files.exists(java.nio.file.Path.of(p)), "host has " + p);
        }
        String script = "wc -c < /proc/timer_list; wc -c < /proc/keys; ls /sys/firmware | wc -l; "
                + "grep -c ' /proc/irq proc ro,' /proc/self/mounts";
        assertEquals("0\n0\n0\n1\n", run(sc -> sc, script).out());
        RuncBundle.Run privileged = run(sc -> sc.setPrivileged(true), "ls /sys/firmware | wc -l");
        assertNotEquals("0\n", privileged.out(), "privileged containers see the host's paths");
    }

    private static UnaryOperator<LinuxContainerSecurityContext.Builder> seccomp(SecurityProfile.ProfileType t) {
        return sc -> sc.setSeccomp(SecurityProfile.newBuilder().setProfileType(t));
    }

    @Test
    void runtimeDefaultSeccompBlocksUserNamespacesThatUnconfinedAllows() throws Exception {
        RuncBundle.Run confined = run(seccomp(SecurityProfile.ProfileType.RuntimeDefault),
                "grep Seccomp: /proc/self/status; unshare -U true");
        assertTrue(confined.out().contains("Seccomp:\t2"), confined.out());
        assertNotEquals(0, confined.exit());
        assertTrue(confined.err().contains("Operation not permitted"), confined.err());
        RuncBundle.Run open = run(seccomp(SecurityProfile.ProfileType.Unconfined), "unshare -U true");
        assertEquals(0, open.exit(), "without the filter the kernel allows it: " + open.err());
    }

    @Test
    void runtimeDefaultLetsSysAdminMountButNobodyUseKeyrings() throws Exception {
        UnaryOperator<LinuxContainerSecurityContext.Builder> admin = sc -> seccomp(
                SecurityProfile.ProfileType.RuntimeDefault).apply(sc)
                .setCapabilities(Capability.newBuilder().addAddCapabilities("SYS_ADMIN"));
        RuncBundle.Run r = run(admin, "mount -t tmpfs none /tmp && echo mounted");
        assertEquals("mounted\n", r.out(), r.err());
        RuncBundle.Run plain = run(seccomp(SecurityProfile.ProfileType.RuntimeDefault),
                "mount -t tmpfs none /tmp");
        assertNotEquals(0, plain.exit());
    }
}
