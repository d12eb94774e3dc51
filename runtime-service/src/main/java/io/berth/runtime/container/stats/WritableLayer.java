package io.berth.runtime.container.stats;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Bytes and inodes a container's upper directory holds: its writable layer. */
public record WritableLayer(long bytes, long inodes) {

    public static WritableLayer measure(Path upper) throws IOException {
        long[] n = new long[2];
        if (!Files.isDirectory(upper)) {
            return new WritableLayer(0, 0);
        }
        Files.walkFileTree(upper, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
                n[1]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                n[0] += a.isRegularFile() ? a.size() : 0;
                n[1]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // deleted by the container while we walked
                }
                throw e;
            }
        });
        return new WritableLayer(n[0], n[1]);
    }
}
