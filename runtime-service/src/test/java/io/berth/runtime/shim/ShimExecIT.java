package io.berth.runtime.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Exec mode: processes run in a running container through the shim. Real runc. */
class ShimExecIT {

    private ShimFixture fx;
    private String ctr;
    private ShimProcess init;

    @BeforeEach
    void setUp() throws Exception {
        fx = new ShimFixture();
        ctr = fx.token + "-c";
        init = fx.start(fx.config(ctr, fx.bundle(ctr, "exec sleep 1000")));
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    private ShimProcess exec(String execId, String script, Duration timeout) throws Exception {
        Path process = fx.processJson(ctr, execId, List.of("sh", "-c", script), false);
        return fx.start(fx.execConfig(ctr, execId, process).withTimeouts(timeout, null));
    }

    @Test
    void outputAndExitCodeOfAnExec() throws Exception {
        String e = fx.token + "-e1";
        ShimProcess p = exec(e, "echo out; echo err >&2; exit 3", null);
        assertTrue(p.pid() > 0 && p.pid() != init.pid());
        ShimExit exit = fx.awaitExit(e);
        assertEquals(3, exit.exitCode());
        assertFalse(exit.timedOut());
        CriLog.Streams s = fx.log(e);
        assertEquals("out\n", new String(s.stdout(), StandardCharsets.UTF_8));
        assertEquals("err\n", new String(s.stderr(), StandardCharsets.UTF_8));
    }

    @Test
    void timeoutKillsTheWholeExecTree() throws Exception {
        String e = fx.token + "-e2";
        exec(e, "sleep 1000 & sleep 1000", Duration.ofSeconds(1));
        ShimExit exit = fx.awaitExit(e);
        assertTrue(exit.timedOut());
        assertEquals(137, exit.exitCode());
        // Only the container's own init may be left in its cgroup.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (fx.cgroupProcs(ctr).size() > 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(init.pid()), fx.cgroupProcs(ctr));
    }

    @Test
    void aGrandchildHoldingStdoutDoesNotHoldTheExec() throws Exception {
        String e = fx.token + "-e3";
        long start = System.nanoTime();
        exec(e, "sleep 1000 & echo started", null);
        ShimExit exit = fx.awaitExit(e);
        assertEquals(0, exit.exitCode());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
        assertEquals("started\n", fx.stdout(e));
    }

    @Test
    void execWithATerminal() throws Exception {
        String e = fx.token + "-e4";
        Path process = fx.processJson(ctr, e, List.of("sh", "-c", "test -t 1 && echo is-a-tty"), true);
        fx.start(fx.execConfig(ctr, e, process).withStdio(new ShimConfig.Stdio(true, false, false)));
        assertEquals(0, fx.awaitExit(e).exitCode());
        assertTrue(fx.stdout(e).startsWith("is-a-tty"), fx.stdout(e));
    }

    @Test
    void execIntoAMissingContainerFailsWithTheRuntimesText() throws Exception {
        String e = fx.token + "-e5";
        Path process = fx.processJson(ctr, e, List.of("true"), false);
        ShimConfig cfg = ShimConfig.exec(fx.token + "-nosuch", process, fx.logDir.resolve(e + ".log"),
                fx.exitDir.resolve(e), fx.runDir.resolve(e + ".sock")).withRuntime("runc", List.of("--root=" + fx.runcRoot));
        ShimStartException ex = assertThrows(ShimStartException.class, () -> fx.launcher.start(cfg));
        assertEquals("exec", ex.stage());
        assertTrue(ex.runtimeMessage().contains("does not exist"), ex.getMessage());
        assertFalse(Files.exists(fx.exitDir.resolve(e)));
    }
}
