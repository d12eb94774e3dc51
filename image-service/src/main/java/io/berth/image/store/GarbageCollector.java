package io.berth.image.store;

import io.berth.common.error.FailedPreconditionException;
import io.berth.image.content.ContentStore;
import io.berth.image.ref.Digest;
import io.berth.image.snapshot.Snapshotter;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes blobs and snapshots that no image references and no pull in
 * progress has leased, and partial downloads nothing writes any more. Runs
 * after RemoveImage, after a failed pull, periodically, and at start-up
 * (where it sweeps what a crash left behind).
 */
public final class GarbageCollector {

    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

    /**
     * How long a partial download may sit unwritten before a run removes it.
     * Downloads that are running are never touched; this only spares a file
     * whose download is just starting or ending while the run lists them.
     */
    public static final Duration INGEST_LEFTOVER_AGE = Duration.ofMinutes(10);

    /** What a run freed. */
    public record Result(int blobs, int snapshots, int ingestFiles) {
    }

    private final ImageStore images;
    private final ContentStore content;
    private final Snapshotter snapshots;
    private final Leases leases;
    private final Supplier<Set<String>> extraSnapshotRoots;
    private final AtomicLong freeingRuns = new AtomicLong();

    /**
     * @param extraSnapshotRoots chain ids kept for other reasons (later: containers' images)
     */
    public GarbageCollector(ImageStore images, ContentStore content, Snapshotter snapshots, Leases leases,
            Supplier<Set<String>> extraSnapshotRoots) {
        this.images = images;
        this.content = content;
        this.snapshots = snapshots;
        this.leases = leases;
        this.extraSnapshotRoots = extraSnapshotRoots;
    }

    public Result collect() throws IOException {
        synchronized (leases) {
            Set<String> liveBlobs = new HashSet<>(leases.leasedBlobs());
            Set<String> liveSnapshots = new HashSet<>(leases.leasedSnapshots());
            liveSnapshots.addAll(extraSnapshotRoots.get());
            for (ImageRecord r : images.list()) {
                liveBlobs.addAll(r.blobs());
                liveSnapshots.addAll(r.chainIds());
            }
            int blobs = 0;
            for (Digest d : content.list()) {
                if (!liveBlobs.contains(d.toString())) {
                    content.delete(d);
                    blobs++;
                }
            }
            int snaps = removeSnapshots(liveSnapshots);
            int ingest = content.removeStaleIngests(INGEST_LEFTOVER_AGE, Instant.now());
            if (blobs + snaps + ingest > 0) {
                freeingRuns.incrementAndGet();
                LOG.info("garbage collection freed {} blobs, {} snapshots and {} partial downloads", blobs, snaps,
                        ingest);
            }
            return new Result(blobs, snaps, ingest);
        }
    }

    /** Runs so far that freed something; a reader of disk usage re-measures when it changes. */
    public long freeingRuns() {
        return freeingRuns.get();
    }

    // The snapshotter refuses to remove a parent before its children and does
    // not tell us the tree, so remove in passes until nothing more goes.
    private int removeSnapshots(Set<String> live) throws IOException {
        Set<String> dead = new HashSet<>(snapshots.list());
        dead.removeAll(live);
        int removed = 0;
        boolean progress = true;
        while (!dead.isEmpty() && progress) {
            progress = false;
            for (String chainId : Set.copyOf(dead)) {
                try {
                    snapshots.remove(chainId);
                    dead.remove(chainId);
                    removed++;
                    progress = true;
                } catch (FailedPreconditionException e) {
                    // still a parent of another dead snapshot; the next pass gets it
                }
            }
        }
        if (!dead.isEmpty()) {
            LOG.warn("garbage collection could not remove snapshots {}", dead);
        }
        return removed;
    }
}
