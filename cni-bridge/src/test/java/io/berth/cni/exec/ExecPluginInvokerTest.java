package io.berth.cni.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cni.spec.CniCommand;
import io.berth.common.error.DeadlineExceededException;
import io.berth.common.exec.CommandRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real invoker on shell-script plugins (no root needed). */
class ExecPluginInvokerTest extends CniPluginInvokerContract {

    @TempDir
    Path dir;

    @Override
    CniPluginInvoker invoker() throws Exception {
        Path first = Files.createDirectories(dir.resolve("first"));
        Path second = Files.createDirectories(dir.resolve("second"));
        script(second, "ok", "cat >/dev/null; printf '{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\"1.0.0\"]}'");
        script(first, "failing", "printf '{\"code\":7,\"msg\":\"no\"}'; exit 3");
        script(first, "env", "env");
        script(first, "echo", "cat");
        script(first, "slow", "sleep 30");
        Files.writeString(first.resolve("not-executable"), "#!/bin/sh\n");
        return new ExecPluginInvoker(List.of(first, second), CommandRunner.system());
    }

    private static void script(Path dir, String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        assertTrue(p.toFile().setExecutable(true));
    }

    @Test
    void runsInACleanEnvironmentWithTheConfigOnStdin() throws Exception {
        CniPluginInvoker inv = invoker();
        PluginCall env = new PluginCall("env", CniCommand.ADD, Map.of("CNI_COMMAND", "ADD", "PATH", "/usr/bin:/bin"),
                new byte[0], Duration.ofSeconds(10));
        String out = new String(inv.invoke(env).stdout(), StandardCharsets.UTF_8);
        assertTrue(out.contains("CNI_COMMAND=ADD"), out);
        assertFalse(out.contains("HOME="), "berthd's environment must not leak: " + out);
        PluginCall echo = new PluginCall("echo", CniCommand.ADD, Map.of(), "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(10));
        assertEquals("{\"a\":1}", new String(inv.invoke(echo).stdout(), StandardCharsets.UTF_8));
    }

    @Test
    void aSlowPluginIsKilledAtTheTimeout() throws Exception {
        PluginCall slow = new PluginCall("slow", CniCommand.ADD, Map.of(), new byte[0], Duration.ofMillis(300));
        long t0 = System.nanoTime();
        assertThrows(DeadlineExceededException.class, () -> invoker().invoke(slow));
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
    }

    @Test
    void onlyExecutableFilesInsideTheBinDirsCount() throws Exception {
        CniPluginInvoker inv = invoker();
        assertTrue(inv.locate("not-executable").isEmpty());
        assertTrue(inv.locate("../first/ok").isEmpty());
        assertTrue(inv.locate("").isEmpty());
    }
}
