package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.FailedPreconditionException;
import io.berth.runtime.sandbox.Sandbox;
import io.berth.runtime.sandbox.SandboxState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A new service instance over the same root and state, as after {@code kill -9}
 * of berthd: shims kept running, nobody watched them in between.
 */
class ContainerRecoveryIT {

    World w;
    Sandbox pod;

    @BeforeEach
    void setUp() throws Exception {
        w = new World();
        pod = w.runPod("rec");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void containersKeepTheirIdsStatesAndRealExitCodesAcrossARestart() throws Exception {
        Container running = w.run(pod, "long", "while true; do echo tick; sleep 0.2; done");
        Container created = w.create(pod, w.container("later", "exit 0"));
        Container exitsWhileDown = w.run(pod, "short", "sleep 2; exit 7");
        long shimPid = running.process().shimPid();
        // berthd "dies": the old instance is abandoned, a new one is built over the same dirs.
        w.newServices();
        Thread.sleep(2500);
        assertEquals(ContainerState.RUNNING, w.containers.require(running.id()).state());
        assertEquals(ContainerState.CREATED, w.containers.require(created.id()).state());
        Container exited = w.awaitState(exitsWhileDown.id(), ContainerState.EXITED, Duration.ofSeconds(20));
        assertEquals(7, exited.exit().exitCode());
        assertTrue(exited.exit().finishedAtNanos() > exited.process().startedAtNanos() + 1_000_000_000L,
                "the finish time is the real one from the exit file");
        assertTrue(ProcessHandle.of(shimPid).isPresent(), "the shim was never restarted");
        // The new instance controls what it recovered.
        w.containers.stop(running.id(), 2);
        assertEquals(ContainerState.EXITED, w.containers.require(running.id()).state());
        w.containers.start(created.id());
        assertEquals(0, w.awaitState(created.id(), ContainerState.EXITED, Duration.ofSeconds(20)).exit().exitCode());
        w.containers.remove(running.id());
        w.containers.remove(created.id());
        w.containers.remove(exitsWhileDown.id());
        assertEquals(0, w.containers.names().size());
    }

    @Test
    void afterARebootRecordsAreExitedOrCreatedAndRemovable() throws Exception {
        Container c = w.run(pod, "boot", "sleep 1000");
        Container created = w.create(pod, w.container("never", "exit 0"));
        // A reboot: every process dies, /run is empty, mounts are gone.
        for (long pid : w.processesOfThisWorld()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        ProcessHandle.of(c.process().pid()).ifPresent(ProcessHandle::destroyForcibly);
        ContainerLifecycleIT.awaitGone(c.process().pid());
        for (String m : w.mountsOfThisWorld().reversed()) {
            World.run("umount", "-l", m);
        }
        World.run("rm", "-rf", w.state.resolve("exits").toString(), w.state.resolve("c").toString(),
                w.state.resolve("runtimes").toString());
        w.newServices();
        Container after = w.containers.require(c.id());
        assertEquals(ContainerState.EXITED, after.state());
        assertEquals(ContainerRecovery.LOST, after.exit().reason());
        // As containerd keeps a container without a task CREATED; its pod is NOTREADY
        // now, so a start fails on that, naming both, before any runtime runs.
        assertEquals(SandboxState.NOTREADY, w.sandboxes.require(pod.id()).state());
        assertEquals(ContainerState.CREATED, w.containers.require(created.id()).state());
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
                () -> w.containers.start(created.id()));
        assertTrue(e.getMessage().contains(created.id()) && e.getMessage().contains(pod.id()), e.getMessage());
        assertEquals(ContainerState.CREATED, w.containers.require(created.id()).state());
        w.containers.remove(created.id());
        w.containers.remove(c.id());
        assertEquals(List.of(), w.containers.list(ContainerService.Filter.ALL));
        w.containers.awaitTeardowns(java.time.Duration.ofSeconds(30)); // the bundle goes in the background
        assertTrue(!Files.exists(w.containers.deps().layout().bundle(c.id())));
        assertTrue(!Files.exists(w.containers.deps().layout().bundle(created.id())));
        assertEquals(List.of(), w.containerMounts());
    }

    @Test
    void leftoversWithNoRecordAreSweptAtStartAndRecordedContainersKept() throws Exception {
        Container running = w.run(pod, "orphan", "sleep 1000");
        Container half = w.create(pod, w.container("half", "true"));
        Container kept = w.run(pod, "kept", "sleep 1000");
        // A kill -9 between steps whose order leaves no record: a running container and a mounted bundle.
        for (Container c : List.of(running, half)) {
            Files.delete(w.containers.deps().layout().recordsDir().resolve(c.id() + ".json"));
        }
        Path runcRoot = w.state.resolve("runtimes/runc");
        assertTrue(Files.isDirectory(runcRoot.resolve(running.id())), "runc knows the orphan before the restart");
        w.newServices();
        assertTrue(ContainerLifecycleIT.awaitGone(running.process().pid()), "the orphan's process is killed");
        assertFalse(Files.exists(runcRoot.resolve(running.id())), "and its runc state deleted");
        for (Container c : List.of(running, half)) {
            assertFalse(Files.exists(w.containers.deps().layout().bundle(c.id())), "bundle of " + c.id());
            assertFalse(w.containerMounts().stream().anyMatch(m -> m.contains(c.id())), "rootfs of " + c.id());
        }
        assertFalse(w.containerCgroupsLeft().stream().anyMatch(m -> m.contains(running.id())), "cgroup");
        assertEquals(ContainerState.RUNNING, w.containers.require(kept.id()).state());
        assertTrue(w.containerMounts().stream().anyMatch(m -> m.contains(kept.id())), "a recorded rootfs stays");
        assertEquals("kept\n", new String(w.containers.execSync(kept.id(), List.of("sh", "-c", "echo kept"), 10)
                .stdout(), java.nio.charset.StandardCharsets.UTF_8));
        w.containers.remove(kept.id());
        assertEquals(List.of(), w.containerMounts());
    }

    @Test
    void aContainerStartedJustBeforeAKillIsAdoptedWithItsShim() throws Exception {
        Container c = w.run(pod, "adopt", "trap 'exit 5' TERM; while true; do sleep 0.1; done");
        Path record = w.containers.deps().layout().recordsDir().resolve(c.id() + ".json");
        // berthd died after the shim started the container, before the RUNNING record was written.
        Files.writeString(record, Files.readString(record).replace("\"RUNNING\"", "\"CREATED\""));
        w.newServices();
        Container after = w.containers.require(c.id());
        assertEquals(ContainerState.RUNNING, after.state());
        assertEquals(c.process().pid(), after.process().pid());
        assertEquals(c.process().shimPid(), after.process().shimPid(), "the shim is found, not started again");
        Thread.sleep(300);
        w.containers.stop(c.id(), 10);
        assertEquals(5, w.containers.require(c.id()).exit().exitCode(), "the exit came through the same shim");
        w.containers.remove(c.id());
    }
}
