package io.berth.runtime.gc;

import io.berth.image.content.ContentStore;
import io.berth.image.ref.Digest;
import io.berth.image.snapshot.Snapshotter;
import io.berth.image.store.GarbageCollector;
import io.berth.image.store.ImageRecord;
import io.berth.image.store.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Works out what the image service's GarbageCollector frees, without freeing
 * it: blobs no image lists, and snapshots that are neither an image's layer
 * nor below a container's rootfs. The collector keeps a container's top
 * snapshot and, because a parent cannot be removed before its child, every
 * snapshot under it; this plan follows the same rule by walking each kept
 * snapshot's lower directories. Leases of pulls in flight are not visible
 * here, so a plan made during a pull may name that pull's new blobs; the
 * collector itself never frees them.
 */
public final class GcPlanner {

    static final String BLOB_REASON = "no image lists it (left by a removed image or an unfinished pull)";
    static final String SNAPSHOT_REASON = "no image has this layer and no container's rootfs is built on it";
    static final String INGEST_REASON = "a partial download nothing has written to for "
            + GarbageCollector.INGEST_LEFTOVER_AGE.toMinutes() + " minutes";

    private final ImageStore images;
    private final ContentStore content;
    private final Snapshotter snapshots;

    public GcPlanner(ImageStore images, ContentStore content, Snapshotter snapshots) {
        this.images = images;
        this.content = content;
        this.snapshots = snapshots;
    }

    /** @param containerChains the top chain id of every container berthd holds a record of */
    public GcPlan plan(Set<String> containerChains) throws IOException {
        Set<String> liveBlobs = new HashSet<>();
        Set<String> roots = new HashSet<>(containerChains);
        for (ImageRecord r : images.list()) {
            liveBlobs.addAll(r.blobs());
            roots.addAll(r.chainIds());
        }
        List<GcPlan.Item> blobs = new ArrayList<>();
        for (Digest d : new TreeSet<>(content.list())) {
            if (!liveBlobs.contains(d.toString())) {
                blobs.add(new GcPlan.Item(d.toString(), Math.max(0, content.size(d)), BLOB_REASON));
            }
        }
        Set<String> kept = withAncestors(roots);
        List<GcPlan.Item> snaps = new ArrayList<>();
        for (String chainId : new TreeSet<>(snapshots.list())) {
            if (!kept.contains(chainId)) {
                snaps.add(new GcPlan.Item(chainId, snapshots.usageBytes(chainId), SNAPSHOT_REASON));
            }
        }
        return new GcPlan(blobs, snaps, staleIngests());
    }

    // The collector's own rule (GarbageCollector.INGEST_LEFTOVER_AGE); a download in
    // flight writes its file all the time, so it is never this old.
    private List<GcPlan.Item> staleIngests() throws IOException {
        Instant bound = Instant.now().minus(GarbageCollector.INGEST_LEFTOVER_AGE);
        List<GcPlan.Item> out = new ArrayList<>();
        for (Path p : new TreeSet<>(content.ingestFiles())) {
            try {
                if (Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(bound)) {
                    out.add(new GcPlan.Item(p.toString(), Files.isRegularFile(p) ? Files.size(p) : 0, INGEST_REASON));
                }
            } catch (NoSuchFileException gone) {
                // finished or removed meanwhile
            }
        }
        return out;
    }

    // A snapshot's first lower directory is its own; the rest are its ancestors'.
    private Set<String> withAncestors(Set<String> roots) throws IOException {
        Map<Path, String> chainByDir = new HashMap<>();
        for (String chainId : snapshots.list()) {
            List<Path> dirs = snapshots.lowerDirs(chainId);
            if (!dirs.isEmpty()) {
                chainByDir.put(dirs.get(0), chainId);
            }
        }
        Set<String> kept = new HashSet<>(roots);
        for (String root : roots) {
            for (Path dir : snapshots.lowerDirs(root)) {
                String chainId = chainByDir.get(dir);
                if (chainId != null) {
                    kept.add(chainId);
                }
            }
        }
        return kept;
    }
}
