package io.berth.common.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutablesTest {

    @TempDir
    Path tmp;

    private Path file(String dir, String name, String perms) throws Exception {
        Path d = Files.createDirectories(tmp.resolve(dir));
        Path f = Files.writeString(d.resolve(name), "#!/bin/sh\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
        return f;
    }

    @Test
    void theFirstExecutableFileOnThePathWins() throws Exception {
        file("a", "tool", "rw-r--r--");
        Files.createDirectories(tmp.resolve("b/tool"));
        Path wanted = file("c", "tool", "rwxr-xr-x");
        file("d", "tool", "rwxr-xr-x");
        String path = String.join(":", tmp.resolve("a").toString(), tmp.resolve("b").toString(),
                tmp.resolve("c").toString(), tmp.resolve("d").toString());

        assertEquals(Optional.of(wanted), Executables.onPath("tool", path));
    }

    @Test
    void nothingWhenNoEntryHasIt() throws Exception {
        file("a", "tool", "rw-r--r--");

        assertEquals(Optional.empty(), Executables.onPath("tool", tmp.resolve("a") + ":" + tmp.resolve("none")));
    }
}
