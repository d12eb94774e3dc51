package io.berth.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.exec.Command;
import io.berth.common.exec.CommandResult;
import io.berth.common.exec.CommandRunner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuntimeFeaturesTest {

    /** The shape of `runc features` from runc 1.1.5 (trimmed): rro known, no mountExtensions. */
    static final String RUNC_1_1 = """
            {"ociVersionMin":"1.0.0","ociVersionMax":"1.0.2-dev",
             "mountOptions":["bind","rbind","ro","rro","rw","rprivate"],
             "linux":{"namespaces":["cgroup","ipc","mount","network","pid","user","uts"],
                      "seccomp":{"enabled":true}},
             "annotations":{"org.opencontainers.runc.version":"1.1.5+ds1"}}""";

    /** A runc 1.2+ answer: idmapped mounts are announced under mountExtensions. */
    static final String RUNC_1_2 = """
            {"mountOptions":["rbind","ro","rro","idmap","ridmap"],
             "linux":{"namespaces":["mount","user"],"mountExtensions":{"idmap":{"enabled":true}}},
             "annotations":{"org.opencontainers.runc.version":"1.2.5"}}""";

    private static final RuntimeFeatures.Kernel NEW = new RuntimeFeatures.Kernel(new KernelVersion(6, 18), true);
    private static final RuntimeFeatures.Kernel OLD = new RuntimeFeatures.Kernel(new KernelVersion(5, 10), true);
    private static final RuntimeFeatures.Kernel NO_USERNS =
            new RuntimeFeatures.Kernel(new KernelVersion(6, 18), false);

    private static RuntimeFeatures parse(String json, RuntimeFeatures.Kernel k) {
        return RuntimeFeatures.fromFeaturesJson("runc", json.getBytes(StandardCharsets.UTF_8), k);
    }

    @Test
    void runc11OnANewKernelDoesRroAndUserNamespacesButNotIdmap() {
        RuntimeFeatures f = parse(RUNC_1_1, NEW);
        assertTrue(f.recursiveReadOnlyMounts());
        assertTrue(f.userNamespaces());
        assertFalse(f.idmapMounts());
        assertEquals("1.1.5+ds1", f.version());
        assertTrue(f.toCri().getRecursiveReadOnlyMounts());
        assertTrue(f.toCri().getUserNamespaces(), "berthd idmaps the rootfs and the volumes itself");
    }

    @Test
    void anOldKernelTakesRroAndIdmapAway() {
        RuntimeFeatures f = parse(RUNC_1_2, OLD);
        assertFalse(f.recursiveReadOnlyMounts());
        assertFalse(f.idmapMounts());
        assertFalse(f.toCri().getUserNamespaces());
    }

    @Test
    void runc12OnANewKernelClaimsEverything() {
        RuntimeFeatures f = parse(RUNC_1_2, NEW);
        assertTrue(f.idmapMounts());
        assertTrue(f.userNamespacedPods());
        assertTrue(f.toCri().getUserNamespaces(), "idmapped rootfs and volumes: hostUsers=false pods run");
        assertEquals("ridmap", f.idmapOption());
    }

    @Test
    void aKernelWithoutUserNamespacesClaimsNone() {
        assertFalse(parse(RUNC_1_2, NO_USERNS).userNamespaces());
    }

    @Test
    void garbageClaimsNothing() {
        RuntimeFeatures f = parse("not json", NEW);
        assertFalse(f.recursiveReadOnlyMounts() || f.userNamespaces() || f.idmapMounts());
    }

    @Test
    void versionFallbackKnowsOnlyUserNamespacesOfRuncAndCrun() {
        RuntimeFeatures runc = RuntimeFeatures.fromVersionText("runc", "runc version 1.0.2\ncommit: x\n", NEW);
        assertTrue(runc.userNamespaces());
        assertFalse(runc.recursiveReadOnlyMounts() || runc.idmapMounts());
        assertEquals("1.0.2", runc.version());
        assertTrue(RuntimeFeatures.fromVersionText("crun", "crun version 1.8.1\n", NEW).userNamespaces());
        assertFalse(RuntimeFeatures.fromVersionText("kata", "kata-runtime 3.0", NEW).userNamespaces());
    }

    @Test
    void probeAsksFeaturesWithTheGlobalArgsThenFallsBackToVersion() {
        List<List<String>> calls = new ArrayList<>();
        CommandRunner fake = c -> {
            calls.add(c.argv());
            if (c.argv().contains("features")) {
                return new CommandResult(1, new byte[0], "unknown command".getBytes(StandardCharsets.UTF_8));
            }
            return new CommandResult(0, "crun version 1.8.1\n".getBytes(StandardCharsets.UTF_8), new byte[0]);
        };
        RuntimeFeatures f = RuntimeFeatures.probe("/usr/bin/crun", List.of("--root=/run/x"), fake);
        assertEquals(List.of("/usr/bin/crun", "--root=/run/x", "features"), calls.get(0));
        assertEquals(List.of("/usr/bin/crun", "--version"), calls.get(1));
        assertFalse(f.recursiveReadOnlyMounts());
        assertEquals("1.8.1", f.version());
    }

    @Test
    void aRuntimeThatCannotStartClaimsNothing() {
        CommandRunner broken = c -> {
            throw new java.io.IOException("no such file");
        };
        RuntimeFeatures f = RuntimeFeatures.probe("/nope/runc", List.of(), broken);
        assertFalse(f.recursiveReadOnlyMounts() || f.userNamespaces() || f.idmapMounts());
    }

    @Test
    void kernelVersions() {
        assertEquals(new KernelVersion(6, 18), KernelVersion.parse("6.18.44-fc-v782"));
        assertEquals(KernelVersion.UNKNOWN, KernelVersion.parse("weird"));
        assertTrue(new KernelVersion(5, 12).atLeast(RuntimeFeatures.MOUNT_SETATTR));
        assertFalse(new KernelVersion(5, 11).atLeast(RuntimeFeatures.MOUNT_SETATTR));
        assertTrue(new KernelVersion(6, 0).atLeast(new KernelVersion(5, 19)));
    }
}
