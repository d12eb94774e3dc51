package io.berth.common.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.DeadlineExceededException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCommandRunnerTest {

    private final CommandRunner runner = CommandRunner.system();

    @Test
    void capturesOutputAndExitCode() throws Exception {
        CommandResult r = runner.run(Command.of(Duration.ofSeconds(10),
                "sh", "-c", "echo out; echo err >&2; exit 3"));
        assertEquals(3, r.exitCode());
        assertEquals("out\n", r.stdoutText());
        assertEquals("err\n", r.stderrText());
    }

    @Test
    void feedsStdin() throws Exception {
        CommandResult r = runner.run(Command.of(Duration.ofSeconds(10), "cat")
                .withStdin("hello".getBytes(StandardCharsets.UTF_8)));
        assertEquals("hello", r.stdoutText());
    }

    @Test
    void timeoutKillsTheWholeTree(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        // The grandchild would outlive a naive kill of the direct child.
        Command c = Command.of(Duration.ofMillis(500), "sh", "-c",
                "sleep 60 & echo $! > " + pidFile + "; wait");
        assertThrows(DeadlineExceededException.class, () -> runner.run(c));
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        for (int i = 0; i < 100 && running(pid); i++) {
            Thread.sleep(20);
        }
        assertFalse(running(pid), "grandchild " + pid + " survived the timeout");
    }

    /** Alive and not a zombie: PID 1 on some hosts reaps orphans only every few seconds. */
    private static boolean running(long pid) throws java.io.IOException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String s = Files.readString(stat);
        return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
    }

    @Test
    void grandchildHoldingThePipeDoesNotHangTheCall() throws Exception {
        long start = System.nanoTime();
        CommandResult r = runner.run(Command.of(Duration.ofSeconds(10), "sh", "-c",
                "(sleep 5 &) ; echo done"));
        assertEquals(0, r.exitCode());
        assertTrue(r.stdoutText().startsWith("done"));
        assertTrue(System.nanoTime() - start < 4_500_000_000L, "must not wait for the grandchild");
    }

    @Test
    void cleanEnvironmentPassesOnlyWhatWeGive() throws Exception {
        CommandResult r = runner.run(Command.of(Duration.ofSeconds(10), "/usr/bin/env")
                .withEnv(java.util.Map.of("ONLY", "1"), true));
        assertEquals("ONLY=1\n", r.stdoutText());
    }
}
