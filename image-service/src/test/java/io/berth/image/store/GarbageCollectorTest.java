package io.berth.image.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.image.content.ContentStore;
import io.berth.image.content.Ingest;
import io.berth.image.ref.Digest;
import io.berth.image.testing.FakeSnapshotter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GarbageCollectorTest {

    @TempDir
    Path dir;

    private static Digest blob(ContentStore cs, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        Digest d = Digest.of(b);
        cs.put(d, b);
        return d;
    }

    @Test
    void freesWhatNoImageOrLeaseOrContainerUses() throws Exception {
        ContentStore cs = new ContentStore(dir.resolve("content"));
        ImageStore images = ImageStore.open(dir.resolve("images"));
        FakeSnapshotter snaps = new FakeSnapshotter();
        Leases leases = new Leases();
        Digest config = blob(cs, "config");
        Digest manifest = blob(cs, "manifest");
        Digest layer = blob(cs, "layer");
        Digest orphan = blob(cs, "orphan");
        Digest leased = blob(cs, "leased");
        String c1 = "sha256:" + "1".repeat(64);
        String c2 = "sha256:" + "2".repeat(64);
        String c3 = "sha256:" + "3".repeat(64);
        String c4 = "sha256:" + "4".repeat(64);
        snaps.add(c1, null);
        snaps.add(c2, c1);
        snaps.add(c3, c2);
        snaps.add(c4, c3);
        images.put(new ImageRecord(config.toString(), manifest.toString(), null,
                List.of(new LayerRecord(layer.toString(), "t", 5, c1, c1)), List.of("docker.io/library/x:1"),
                List.of(), 1, "", 1));
        GarbageCollector gc = new GarbageCollector(images, cs, snaps, leases, () -> Set.of(c2));
        try (Leases.Lease lease = leases.open()) {
            lease.blob(leased.toString());
            GarbageCollector.Result r = gc.collect();
            assertEquals(1, r.blobs());
            assertFalse(cs.has(orphan));
            assertTrue(cs.has(leased));
            // c4 and c3 go (child first); c2 is a container's, c1 the image's
            assertEquals(Set.of(c1, c2), snaps.list());
        }
        gc.collect();
        assertFalse(cs.has(leased), "freed once the lease is gone");
        assertTrue(cs.has(layer) && cs.has(config) && cs.has(manifest));
    }

    @Test
    void removesPartialDownloadsNothingWritesOnceTheyAreOldAndCountsTheRun() throws Exception {
        ContentStore cs = new ContentStore(dir.resolve("content"));
        GarbageCollector gc = new GarbageCollector(ImageStore.open(dir.resolve("images")), cs,
                new FakeSnapshotter(), new Leases(), Set::of);
        Path ingest = dir.resolve("content/ingest");
        FileTime old = FileTime.from(Instant.now().minus(GarbageCollector.INGEST_LEFTOVER_AGE).minusSeconds(60));
        Path crashed = Files.writeString(ingest.resolve("aa.1"), "left by a crash");
        Files.setLastModifiedTime(crashed, old);
        Path recent = Files.writeString(ingest.resolve("bb.2"), "just written");
        Digest d = Digest.of("downloading".getBytes(StandardCharsets.UTF_8));
        try (Ingest running = cs.begin(d, 11)) {
            running.write("downl".getBytes(StandardCharsets.UTF_8), 0, 5);
            Files.setLastModifiedTime(running.file(), old); // a slow download is still not a leftover
            assertEquals(0, gc.freeingRuns());

            GarbageCollector.Result r = gc.collect();
            assertEquals(1, r.ingestFiles());
            assertFalse(Files.exists(crashed));
            assertTrue(Files.exists(recent), "too young to tell from a download that is starting");
            assertTrue(Files.exists(running.file()));
            assertEquals(1, gc.freeingRuns());
            gc.collect();
            assertEquals(1, gc.freeingRuns(), "a run that freed nothing changes nothing");
        }
    }
}
