package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.runtime.sandbox.Sandbox;
import java.nio.file.Files;
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
    void afterARebootRecordsAreExitedAndRemovable() throws Exception {
        Container c = w.run(pod, "boot", "sleep 1000");
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
        w.containers.remove(c.id());
        assertEquals(List.of(), w.containers.list(ContainerService.Filter.ALL));
        assertTrue(!Files.exists(w.containers.deps().layout().bundle(c.id())));
    }
}
