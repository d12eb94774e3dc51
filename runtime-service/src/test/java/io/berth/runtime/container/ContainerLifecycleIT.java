package io.berth.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.DeadlineExceededException;
import io.berth.common.error.FailedPreconditionException;
import io.berth.cri.v1.Signal;
import io.berth.runtime.sandbox.Sandbox;
import io.berth.runtime.shim.CriLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Busybox containers on real runc, berth-shim, overlayfs and cgroup v1. */
class ContainerLifecycleIT {

    static World w;
    static Sandbox pod;

    @BeforeAll
    static void setUp() throws Exception {
        w = new World();
        pod = w.runPod("life");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void runsToCompletionWithExitCodeAndCriLog() throws Exception {
        Container c = w.run(pod, "exit3", "echo hello; echo oops >&2; exit 3");
        Container done = w.awaitState(c.id(), ContainerState.EXITED, Duration.ofSeconds(20));
        assertEquals(3, done.exit().exitCode());
        assertEquals("Error", done.exit().reason());
        assertTrue(done.exit().finishedAtNanos() >= done.process().startedAtNanos());
        CriLog.Streams log = CriLog.read(Path.of(done.logPath()));
        assertEquals("hello\n", new String(log.stdout(), StandardCharsets.UTF_8));
        assertEquals("oops\n", new String(log.stderr(), StandardCharsets.UTF_8));
        Container ok = w.run(pod, "exit0", "true");
        assertEquals("Completed", w.awaitState(ok.id(), ContainerState.EXITED, Duration.ofSeconds(20)).exit().reason());
    }

    @Test
    void aLineOf20KibBecomesPartialRecordsAndReadsBackWhole() throws Exception {
        Container c = w.run(pod, "long", "head -c 20480 /dev/zero | tr '\\0' x; echo");
        Container done = w.awaitState(c.id(), ContainerState.EXITED, Duration.ofSeconds(20));
        List<String> lines = Files.readAllLines(Path.of(done.logPath()));
        assertEquals(2, lines.size(), "one P record of 16 KiB and one F");
        assertTrue(lines.get(0).contains(" stdout P "));
        assertTrue(lines.get(1).contains(" stdout F "));
        assertEquals("x".repeat(20480) + "\n", new String(CriLog.read(Path.of(done.logPath())).stdout(),
                StandardCharsets.UTF_8));
    }

    @Test
    void stopUsesTheCustomStopSignal() throws Exception {
        Container c = w.create(pod, w.container("quit", "trap 'exit 42' QUIT; while true; do sleep 0.1; done")
                .setStopSignal(Signal.SIGQUIT));
        w.containers.start(c.id());
        Thread.sleep(300); // let the shell install its trap
        w.containers.stop(c.id(), 10);
        Container done = w.containers.require(c.id());
        assertEquals(ContainerState.EXITED, done.state());
        assertEquals(42, done.exit().exitCode());
    }

    @Test
    void stopEscalatesToSigkillAfterTheTimeout() throws Exception {
        Container c = w.run(pod, "stubborn", "trap '' TERM; while true; do sleep 0.1; done");
        Thread.sleep(300);
        long t0 = System.nanoTime();
        w.containers.stop(c.id(), 1);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Container done = w.containers.require(c.id());
        assertEquals(137, done.exit().exitCode());
        assertTrue(ms >= 1000 && ms < 15000, "grace then kill: " + ms + " ms");
        w.containers.stop(c.id(), 1);
    }

    @Test
    void removeWhileRunningKillsAndLeavesNothing() throws Exception {
        Container c = w.run(pod, "busy", "sleep 1000");
        long pid = c.process().pid();
        w.containers.remove(c.id());
        assertThrows(io.berth.common.error.NotFoundException.class, () -> w.containers.require(c.id()));
        assertTrue(awaitGone(pid), "container process " + pid + " is gone");
        w.containers.awaitTeardowns(java.time.Duration.ofSeconds(30));
        assertFalse(Files.exists(w.containers.deps().layout().bundle(c.id())));
        assertFalse(w.containerMounts().stream().anyMatch(m -> m.contains(c.id())));
        assertFalse(w.containerCgroupsLeft().stream().anyMatch(m -> m.contains(c.id())));
        w.containers.remove(c.id());
    }

    @Test
    void anExitedContainerWithItsOwnPidNamespaceIsForgottenWithoutRuncAndLeavesNothing() throws Exception {
        Container c = w.create(pod, w.container("ownpid", "sleep 1000 & sleep 1000 & trap 'exit 0' TERM; "
                + "echo up; wait").setLinux(io.berth.cri.v1.LinuxContainerConfig.newBuilder().setSecurityContext(
                io.berth.cri.v1.LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(
                        io.berth.cri.v1.NamespaceOption.newBuilder().setPid(io.berth.cri.v1.NamespaceMode.CONTAINER)))));
        w.containers.start(c.id());
        Path runcState = w.state.resolve("runtimes/runc").resolve(c.id());
        assertTrue(Files.isDirectory(runcState), "runc keeps state while it runs");
        long end = System.nanoTime() + 10_000_000_000L;
        while (!Files.readString(Path.of(c.logPath())).contains("up") && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        List<Long> children = ProcessHandle.of(w.containers.require(c.id()).process().pid()).orElseThrow()
                .children().map(ProcessHandle::pid).toList();
        assertEquals(2, children.size(), "two sleeps under the init");
        w.containers.stop(c.id(), 10);
        assertEquals(0, w.containers.require(c.id()).exit().exitCode());
        w.containers.awaitTeardowns(Duration.ofSeconds(30));
        assertFalse(Files.exists(runcState), "runc's state is gone");
        assertFalse(World.run("runc", "--root=" + w.state.resolve("runtimes/runc"), "list").stdoutText()
                .contains(c.id()), "runc does not list it");
        for (long pid : children) {
            assertTrue(awaitGone(pid), "the init's child " + pid + " died with its PID namespace");
        }
        assertFalse(w.containerCgroupsLeft().stream().anyMatch(m -> m.contains(c.id())), "its cgroup is gone");
        assertFalse(w.containerMounts().stream().anyMatch(m -> m.contains(c.id())), "its rootfs is unmounted");
        w.containers.remove(c.id());
    }

    @Test
    void startTwiceIsAFailedPreconditionNamingTheState() {
        Container c = w.run(pod, "twice", "sleep 1000");
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
                () -> w.containers.start(c.id()));
        assertTrue(e.getMessage().contains("RUNNING"), e.getMessage());
        w.containers.remove(c.id());
    }

    @Test
    void execSyncReturnsOutputAndExitCodeAndKillsOnTimeout() throws Exception {
        Container c = w.run(pod, "execd", "sleep 1000");
        ExecResult r = w.containers.execSync(c.id(), List.of("sh", "-c", "echo out; echo err >&2; exit 5"), 10);
        assertEquals("out\n", new String(r.stdout(), StandardCharsets.UTF_8));
        assertEquals("err\n", new String(r.stderr(), StandardCharsets.UTF_8));
        assertEquals(5, r.exitCode());
        // Output without a final newline comes back byte for byte, as the process wrote it.
        ExecResult exact = w.containers.execSync(c.id(), List.of("printf", "a\\nno newline"), 10);
        assertEquals("a\nno newline", new String(exact.stdout(), StandardCharsets.UTF_8));
        assertThrows(DeadlineExceededException.class, () -> w.containers.execSync(c.id(),
                List.of("sh", "-c", "sleep 777 & sleep 778"), 1));
        ExecResult ps = w.containers.execSync(c.id(), List.of("ps", "-o", "args"), 10);
        String procs = new String(ps.stdout(), StandardCharsets.UTF_8);
        assertFalse(procs.contains("sleep 777") || procs.contains("sleep 778"), procs);
        w.containers.remove(c.id());
    }

    @Test
    void reopenLogMovesOutputToTheNewFile() throws Exception {
        Container c = w.run(pod, "rotate", "while true; do echo tick; sleep 0.1; done");
        Path log = Path.of(c.logPath());
        Thread.sleep(400);
        Path rotated = log.resolveSibling("rotate.log.1");
        Files.move(log, rotated);
        w.containers.reopenLog(c.id());
        Thread.sleep(400);
        assertTrue(Files.size(log) > 0, "new file receives output");
        assertTrue(new String(CriLog.read(rotated).stdout()).startsWith("tick\n"));
        w.containers.remove(c.id());
    }

    static boolean awaitGone(long pid) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                if (stat.charAt(stat.lastIndexOf(')') + 2) == 'Z') {
                    return true;
                }
            } catch (java.io.IOException e) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
