package io.berth.image.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.FailedPreconditionException;
import io.berth.image.content.ContentStore;
import io.berth.image.ref.Digest;
import io.berth.image.snapshot.Snapshotter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GarbageCollectorTest {

    @TempDir
    Path dir;

    /** Snapshots with parents; refuses to remove a parent first, like the real one. */
    static final class TreeSnapshots implements Snapshotter {
        final Map<String, String> parent = new HashMap<>();

        @Override
        public boolean exists(String chainId) {
            return parent.containsKey(chainId);
        }

        @Override
        public String unpack(String chainId, String parentChainId, Path blob, String mediaType) {
            parent.put(chainId, parentChainId == null ? "" : parentChainId);
            return chainId;
        }

        @Override
        public List<Path> lowerDirs(String chainId) {
            return List.of();
        }

        @Override
        public void remove(String chainId) {
            if (parent.containsValue(chainId)) {
                throw new FailedPreconditionException(chainId + " is a parent");
            }
            parent.remove(chainId);
        }

        @Override
        public Set<String> list() {
            return Set.copyOf(parent.keySet());
        }

        @Override
        public long usageBytes(String chainId) {
            return 0;
        }
    }

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
        TreeSnapshots snaps = new TreeSnapshots();
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
        snaps.unpack(c1, null, null, null);
        snaps.unpack(c2, c1, null, null);
        snaps.unpack(c3, c2, null, null);
        snaps.unpack(c4, c3, null, null);
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
}
