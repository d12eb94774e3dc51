package io.berth.image.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.berth.cri.v1.ImageFsInfoRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFsInfoHandlerTest {

    @TempDir
    Path root;

    private static long used(ImageFsInfoHandler h) {
        return h.handle(ImageFsInfoRequest.getDefaultInstance()).getImageFilesystems(0).getUsedBytes().getValue();
    }

    @Test
    void aGarbageCollectionThatFreedSomethingEndsTheCachedFigure() throws Exception {
        Path content = Files.createDirectories(root.resolve("content"));
        Files.write(content.resolve("blob"), new byte[100_000]);
        AtomicLong gcRuns = new AtomicLong();
        Clock frozen = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);
        ImageFsInfoHandler h = new ImageFsInfoHandler(root, List.of(content), frozen, gcRuns::get);
        long before = used(h);

        Files.delete(content.resolve("blob"));
        assertEquals(before, used(h), "within the cache time and no GC: the cached walk");
        gcRuns.incrementAndGet();
        assertEquals(before - 100_000, used(h), "after a GC that freed something: measured again");
    }
}
