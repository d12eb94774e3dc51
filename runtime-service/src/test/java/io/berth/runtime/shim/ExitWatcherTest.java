package io.berth.runtime.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitWatcherTest {

    private static final String EXIT = "{\"exit_code\":%d,\"signal\":0,\"oom_killed\":false,\"timed_out\":false,"
            + "\"finished_at\":\"2026-11-28T05:57:46Z\",\"finished_at_unix_nano\":1795845466000000000}\n";

    @TempDir
    Path dir;

    /** As the shim does: a dot-named temp file renamed into place. */
    private void writeExit(String name, int code) throws Exception {
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.writeString(tmp, EXIT.formatted(code));
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void learnsOfAnExitThatHappensLater() throws Exception {
        try (ExitWatcher w = new ExitWatcher(dir)) {
            CompletableFuture<ShimExit> a = w.exitOf("a");
            CompletableFuture<ShimExit> b = w.exitOf("b");
            writeExit("a", 7);
            assertEquals(7, a.get(10, TimeUnit.SECONDS).exitCode());
            assertFalse(b.isDone());
        }
    }

    @Test
    void anExitFromBeforeIsFoundAtOnce() throws Exception {
        writeExit("old", 3);
        try (ExitWatcher w = new ExitWatcher(dir)) {
            assertEquals(3, w.exitOf("old").get(10, TimeUnit.SECONDS).exitCode());
        }
    }

    @Test
    void forgetCancels() throws Exception {
        try (ExitWatcher w = new ExitWatcher(dir)) {
            CompletableFuture<ShimExit> f = w.exitOf("gone");
            w.forget("gone");
            writeExit("gone", 0);
            assertEquals(true, f.isCancelled());
        }
    }
}
