package io.berth.runtime.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.BerthException;
import io.berth.common.exec.Command;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input and faults: clear errors, nothing left behind; a full disk does not stop the container. */
class ShimFaultIT {

    private ShimFixture fx;
    private FakeRuntime fake;

    @BeforeEach
    void setUp() throws Exception {
        fx = new ShimFixture();
        fake = new FakeRuntime(fx.dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    private ShimConfig fakeConfig(String id, Path bundle) {
        return fx.config(id, bundle).withRuntime(fake.binary.toString(), List.of());
    }

    private ShimStartException refused(ShimConfig cfg) {
        ShimStartException e = assertThrows(ShimStartException.class, () -> fx.start(cfg));
        assertFalse(Files.exists(cfg.exitFile()), "no exit file after a failed start");
        assertFalse(Files.exists(cfg.socket()), "no socket after a failed start");
        return e;
    }

    @Test
    void missingLogDirectory() throws Exception {
        String id = fx.token + "-nolog";
        ShimConfig base = fx.config(id, fx.bundle(id, "true"));
        Path missing = fx.dir.resolve("no-such-dir");
        ShimStartException e = refused(ShimConfig.container(id, base.bundle(), missing.resolve("x.log"),
                base.exitFile(), base.socket()).withRuntime("runc", base.runtimeArgs()));
        assertEquals("options", e.stage());
        assertEquals(BerthException.Kind.FAILED_PRECONDITION, e.kind());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void missingRuntimeBinary() throws Exception {
        String id = fx.token + "-nort";
        ShimStartException e = refused(fx.config(id, fx.bundle(id, "true")).withRuntime("/no/such/runc", List.of()));
        assertEquals("options", e.stage());
        assertTrue(e.getMessage().contains("/no/such/runc"), e.getMessage());
    }

    @Test
    void bundleWithoutConfig() throws Exception {
        String id = fx.token + "-nobundle";
        Path empty = Files.createDirectories(fx.dir.resolve("empty-bundle"));
        ShimStartException e = refused(fx.config(id, empty));
        assertEquals("options", e.stage());
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
    }

    @Test
    void runcCreateFailureCarriesRuncsText() throws Exception {
        String id = fx.token + "-nocmd";
        ShimStartException e = refused(fx.config(id, fx.bundle(id, List.of("/no-such-program"), c -> { })));
        assertEquals("run", e.stage());
        assertEquals(1, e.status());
        assertTrue(e.runtimeMessage().contains("/no-such-program"), e.getMessage());
        var state = fx.commands.run(Command.of(Duration.ofSeconds(10), "runc", "--root=" + fx.runcRoot, "state", id));
        assertTrue(state.exitCode() != 0, "no container left in runc");
    }

    @Test
    void runtimeErrorTextAndStatusArePassedThrough() throws Exception {
        String id = fx.token + "-fkfail";
        String text = "fake: cannot create: \"quoted\" and\ttabbed";
        ShimStartException e = refused(fakeConfig(id, fake.bundle(id, "true", "fail-create", text + "\n")));
        assertEquals("run", e.stage());
        assertEquals(3, e.status());
        assertEquals(text, e.runtimeMessage());
    }

    @Test
    void startFailureKillsAndDeletesTheCreatedContainer() throws Exception {
        String id = fx.token + "-fkstart";
        Path b = fake.bundle(id, "sleep 1000", "fail-start", "");
        ShimStartException e = refused(fakeConfig(id, b));
        assertEquals("run", e.stage());
        assertEquals(4, e.status());
        assertEquals("fake: start refused", e.runtimeMessage());
        assertTrue(Files.exists(b.resolve("deleted")), "delete --force after a failed start");
    }

    @Test
    void hangingRuntimeIsKilledAtTheStartupTimeout() throws Exception {
        String id = fx.token + "-fkhang";
        long t0 = System.nanoTime();
        ShimStartException e = refused(fakeConfig(id, fake.bundle(id, "true", "hang", ""))
                .withTimeouts(null, Duration.ofSeconds(1)));
        assertEquals(-1, e.status());
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos());
    }

    @Test
    void signalDeathThroughTheFakeRuntime() throws Exception {
        String id = fx.token + "-fksig";
        fx.start(fakeConfig(id, fake.bundle(id, "echo dying; kill -TERM $$")));
        ShimExit exit = fx.awaitExit(id);
        assertEquals(143, exit.exitCode());
        assertEquals(15, exit.signal());
        assertEquals("dying\n", fx.stdout(id));
    }

    @Test
    void fullDiskDropsOutputSaysSoAndKeepsGoing() throws Exception {
        String id = fx.token + "-full";
        Path full = Files.createDirectories(fx.dir.resolve("full"));
        fx.run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", full.toString());
        fx.mounted(full);
        Path log = full.resolve(id + ".log");
        ShimConfig cfg = ShimConfig.container(id, fx.bundle(id, "read x; seq 1 20000; read y; echo after"), log,
                        fx.exitDir.resolve(id), fx.runDir.resolve(id + ".sock"))
                .withRuntime("runc", List.of("--root=" + fx.runcRoot))
                .withStdio(new ShimConfig.Stdio(false, true, false));
        ShimProcess p = fx.start(cfg);
        OutputCollector out = new OutputCollector();
        try (AttachClient c = AttachClient.connect(p.socket(), out)) {
            c.subscribe(true, false);
            c.writeStdin("go\n".getBytes(StandardCharsets.UTF_8));
            out.awaitStdout("\n20000\n", ShimFixture.WAIT);
            Files.delete(log); // space comes back, as after a log rotation
            c.reopenLog();
            c.writeStdin("x\n".getBytes(StandardCharsets.UTF_8));
            assertEquals(0, c.exit().get(30, TimeUnit.SECONDS));
        }
        CriLog.Streams s = CriLog.read(log);
        assertEquals("after\n", new String(s.stdout(), StandardCharsets.UTF_8));
        String notice = new String(s.stderr(), StandardCharsets.UTF_8);
        assertTrue(notice.matches("berth-shim: dropped \\d+ bytes of output: No space left on device\n"), notice);
    }
}
