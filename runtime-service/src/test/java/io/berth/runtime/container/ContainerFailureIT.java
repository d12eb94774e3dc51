package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.BerthException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.common.error.NotFoundException;
import io.berth.cri.v1.ImageSpec;
import io.berth.cri.v1.LinuxContainerConfig;
import io.berth.cri.v1.LinuxContainerResources;
import io.berth.cri.v1.Mount;
import io.berth.runtime.sandbox.Sandbox;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failure injection on the real node: afterwards no mount, bundle, cgroup, shim
 * or name is left, and the name can be used again.
 */
class ContainerFailureIT {

    static World w;
    static Sandbox pod;

    @BeforeAll
    static void setUp() throws Exception {
        w = new World();
        pod = w.runPod("fail");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void aMissingImageIsNotFoundNamingItAndLeavesNothing() throws Exception {
        NotFoundException e = assertThrows(NotFoundException.class, () -> w.create(pod,
                w.container("noimg", "true").setImage(ImageSpec.newBuilder().setImage("nosuch/image:" + w.tag))));
        assertTrue(e.getMessage().contains("nosuch/image:" + w.tag), e.getMessage());
        assertNothingLeft();
    }

    @Test
    void aBadMountIsInvalidArgumentNamingThePathAndLeavesNothing() throws Exception {
        String missing = w.base.resolve("no-such-dir").toString();
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> w.create(pod,
                w.container("badmount", "true").addMounts(Mount.newBuilder().setHostPath(missing)
                        .setContainerPath("/x"))));
        assertTrue(e.getMessage().contains(missing), e.getMessage());
        assertNothingLeft();
        w.containers.remove(w.create(pod, w.container("badmount", "true")).id());
    }

    @Test
    void runcFailingAtCreateFailsStartAndRemoveLeavesNothing() throws Exception {
        // A memory limit below what runc accepts: the spec is valid JSON, runc run refuses it.
        Container c = w.create(pod, w.container("badspec", "sleep 1000").setLinux(LinuxContainerConfig.newBuilder()
                .setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(4096))));
        BerthException e = assertThrows(BerthException.class, () -> w.containers.start(c.id()));
        assertTrue(e.getMessage().contains("OCI runtime run of " + c.id()), e.getMessage());
        Container failed = w.containers.require(c.id());
        assertEquals(ContainerState.EXITED, failed.state());
        assertEquals("StartError", failed.exit().reason());
        assertEquals(List.of(), w.processesOfThisWorld(), "no shim or runc left");
        assertEquals(List.of(), w.containerCgroupsLeft(), "no container cgroup left");
        w.containers.remove(c.id());
        assertNothingLeft();
    }

    @Test
    void aMountRuncCannotMakeFailsStartAndRemoveLeavesNothing() throws Exception {
        // Passes berthd's checks (the host path exists) but runc cannot bind a file over a directory.
        java.nio.file.Path file = Files.writeString(w.base.resolve("a-file"), "x");
        Container c = w.create(pod, w.container("filedir", "sleep 1000").addMounts(Mount.newBuilder()
                .setHostPath(file.toString()).setContainerPath("/bin")));
        BerthException e = assertThrows(BerthException.class, () -> w.containers.start(c.id()));
        assertTrue(e.getMessage().contains("/bin"), "runc's reason names the mount: " + e.getMessage());
        assertEquals("StartError", w.containers.require(c.id()).exit().reason());
        assertEquals(List.of(), w.processesOfThisWorld(), "no shim or runc left");
        w.containers.remove(c.id());
        assertNothingLeft();
        Files.delete(file);
    }

    private static void assertNothingLeft() throws Exception {
        w.containers.awaitTeardowns(java.time.Duration.ofSeconds(30));
        assertEquals(List.of(), w.containers.list(ContainerService.Filter.ALL), "records");
        assertEquals(0, w.containers.names().size(), "names");
        assertEquals(List.of(), w.containerMounts(), "mounts");
        assertEquals(List.of(), w.containerCgroupsLeft(), "cgroups");
        assertEquals(List.of(), w.processesOfThisWorld(), "processes");
        try (var s = Files.list(w.containers.deps().layout().recordsDir())) {
            assertEquals(List.of(), s.toList(), "bundles");
        } catch (java.nio.file.NoSuchFileException none) {
            // never made
        }
    }
}
