package io.berth.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.exec.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RuntimeReady's binary check with real files and the real process runner. */
class RuntimeBinaryCheckTest {

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger runs = new AtomicInteger();
    private final CommandRunner counting = c -> {
        runs.incrementAndGet();
        return CommandRunner.system().run(c);
    };

    private RuntimeBinaryCheck check(String binary) {
        return new RuntimeBinaryCheck("runc", binary, dir.toString(), counting, now::get, Duration.ofSeconds(60));
    }

    private Path script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void aMissingBinaryIsNotReadyNamingIt() {
        RuntimeBinaryCheck.Result r = check("no-such-runc").check();
        assertFalse(r.ready());
        assertEquals(RuntimeBinaryCheck.MISSING, r.reason());
        assertTrue(r.message().contains("no-such-runc") && r.message().contains(dir.toString()), r.message());
        assertEquals(RuntimeBinaryCheck.MISSING, check(dir.resolve("abs-runc").toString()).check().reason());
    }

    @Test
    void aFileWithoutExecutePermissionIsNotExecutable() throws Exception {
        Path p = script("runc", "exit 0");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        RuntimeBinaryCheck.Result r = check("runc").check();
        assertEquals(RuntimeBinaryCheck.NOT_EXECUTABLE, r.reason());
        assertTrue(r.message().contains(p.toString()), r.message());
    }

    @Test
    void aBinaryThatFailsItsVersionIsNotRunnableWithItsError() throws Exception {
        script("runc", "echo 'error while loading shared libraries' >&2; exit 127");
        RuntimeBinaryCheck.Result r = check("runc").check();
        assertFalse(r.ready());
        assertEquals(RuntimeBinaryCheck.NOT_RUNNABLE, r.reason());
        assertTrue(r.message().contains("shared libraries") && r.message().contains("127"), r.message());
    }

    @Test
    void aWorkingBinaryIsRunOnceUntilItChangesOrTheTtlPasses() throws Exception {
        Path p = script("runc", "echo runc version 9");
        RuntimeBinaryCheck c = check("runc");
        assertTrue(c.check().ready());
        assertTrue(c.check().ready());
        assertEquals(1, runs.get(), "an unchanged binary is not run again within the ttl");
        Files.writeString(p, "#!/bin/sh\nexit 3\n# longer, so the size changes too\n");
        assertEquals(RuntimeBinaryCheck.NOT_RUNNABLE, c.check().reason(), "a replaced binary is checked at once");
        Files.delete(p);
        assertEquals(RuntimeBinaryCheck.MISSING, c.check().reason(), "a removed binary shows at the next call");
        script("runc", "echo ok");
        int before = runs.get();
        c.check();
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        c.check();
        assertEquals(before + 2, runs.get(), "the ttl expired");
    }
}
