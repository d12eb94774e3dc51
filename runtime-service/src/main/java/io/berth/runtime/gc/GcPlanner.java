package io.berth.runtime.gc;

import io.berth.image.content.ContentStore;
import io.berth.image.ref.Digest;
import io.berth.image.snapshot.Snapshotter;
import io.berth.image.store.ImageRecord;
import io.berth.image.store.ImageStore;
import java.io.IOException;
import java.nio.file.Path;
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
        return new GcPlan(blobs, snaps);
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
