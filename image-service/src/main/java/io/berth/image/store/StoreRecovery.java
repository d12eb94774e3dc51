package io.berth.image.store;

import io.berth.image.content.ContentStore;
import io.berth.image.ref.Digest;
import io.berth.image.snapshot.Snapshotter;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up recovery after a restart or a {@code kill -9} at any moment:
 * partial downloads are deleted, an image record whose config, manifest or
 * snapshots are missing is dropped (it cannot be used), and garbage
 * collection sweeps whatever a pull cut short had committed. A record is
 * written only after everything it references is committed, so a half-pulled
 * image never has a record and is never listed.
 */
public final class StoreRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(StoreRecovery.class);

    /** What recovery found and removed. */
    public record Report(int ingestFiles, List<String> droppedImages, GarbageCollector.Result collected) {
    }

    private StoreRecovery() {
    }

    /** Must run before any pull starts: it deletes every ingest file. */
    public static Report recover(ImageStore images, ContentStore content, Snapshotter snapshots,
            GarbageCollector gc) throws IOException {
        int ingest = content.cleanIngest();
        List<ImageRecord> dropped = images.retainOnly(r -> complete(r, content, snapshots));
        dropped.forEach(r -> LOG.warn("dropping image {} {}: its content or snapshots are missing", r.id(),
                r.names()));
        GarbageCollector.Result collected = gc.collect();
        if (ingest > 0 || !dropped.isEmpty()) {
            LOG.info("image store recovery: removed {} partial downloads, dropped {} incomplete images", ingest,
                    dropped.size());
        }
        return new Report(ingest, dropped.stream().map(ImageRecord::id).toList(), collected);
    }

    private static boolean complete(ImageRecord r, ContentStore content, Snapshotter snapshots) {
        return content.has(Digest.parse(r.id())) && content.has(Digest.parse(r.manifestDigest()))
                && r.chainIds().stream().allMatch(snapshots::exists);
    }
}
