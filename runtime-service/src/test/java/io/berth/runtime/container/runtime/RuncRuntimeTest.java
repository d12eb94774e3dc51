package io.berth.runtime.container.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.exec.CommandResult;
import io.berth.common.exec.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuncRuntimeTest {

    private static final String ID = "ab".repeat(32);

    @TempDir
    Path root;
    final List<List<String>> ran = new CopyOnWriteArrayList<>();
    final CommandRunner recording = c -> {
        ran.add(c.argv());
        return new CommandResult(0, new byte[0], new byte[0]);
    };

    @Test
    void runcForgetsAnExitedContainerByItsStateDirectoryAlone() throws Exception {
        Files.createDirectories(root.resolve(ID));
        Files.writeString(root.resolve(ID).resolve("state.json"), "{}");
        Files.createDirectories(root.resolve("cd".repeat(32)));
        new RuncRuntime("", "/usr/sbin/runc", List.of("--root=" + root), recording).deleteExited(ID);
        assertFalse(Files.exists(root.resolve(ID)));
        assertTrue(Files.exists(root.resolve("cd".repeat(32))), "other containers' state stays");
        assertEquals(List.of(), ran, "runc was not run");
        new RuncRuntime("", "runc", List.of("--root=" + root), recording).deleteExited(ID); // gone already: fine
    }

    @Test
    void runcIsNotRunToDeleteAContainerItHasNoStateFor() throws Exception {
        RuncRuntime runc = new RuncRuntime("", "/usr/sbin/runc", List.of("--root=" + root), recording);
        runc.delete(ID);
        assertEquals(List.of(), ran, "never started: nothing for runc to delete");
        Files.createDirectories(root.resolve(ID));
        runc.delete(ID);
        assertEquals(List.of(List.of("/usr/sbin/runc", "--root=" + root, "delete", "--force", ID)), ran);
    }

    @Test
    void otherRuntimesOrAnImplicitRootRunTheRuntimesDelete() throws Exception {
        new RuncRuntime("", "/usr/bin/crun", List.of("--root=" + root), recording).deleteExited(ID);
        new RuncRuntime("", "/usr/sbin/runc", List.of(), recording).deleteExited(ID);
        assertEquals(List.of(
                List.of("/usr/bin/crun", "--root=" + root, "delete", "--force", ID),
                List.of("/usr/sbin/runc", "delete", "--force", ID)), ran);
    }
}
