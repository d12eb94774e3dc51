package io.berth.common.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void replacesContentAndLeavesNoTempFile() throws Exception {
        Path f = dir.resolve("sub/record.json");
        AtomicFiles.writeString(f, "one");
        AtomicFiles.writeString(f, "two");
        assertEquals("two", Files.readString(f));
        try (var s = Files.list(f.getParent())) {
            assertEquals(1, s.count(), "only the record itself may remain");
        }
    }

    @Test
    void deleteTreeRemovesNestedFilesButNotSymlinkTargets() throws Exception {
        Path outside = Files.writeString(dir.resolve("keep.txt"), "x");
        Path tree = Files.createDirectories(dir.resolve("t/a/b"));
        Files.writeString(tree.resolve("f"), "y");
        Files.createSymbolicLink(dir.resolve("t/link"), outside);
        AtomicFiles.deleteTree(dir.resolve("t"));
        assertFalse(Files.exists(dir.resolve("t")));
        assertEquals("x", Files.readString(outside));
        AtomicFiles.deleteTree(dir.resolve("t")); // missing is fine
    }
}
