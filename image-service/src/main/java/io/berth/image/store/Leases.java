package io.berth.image.store;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Protects content and snapshots that a pull in progress has fetched or is
 * about to use but that no image record references yet, so garbage
 * collection running at the same time cannot delete them under the pull.
 * The collector holds this object's monitor for its whole run, so a lease
 * taken before a pull checks "do I already have this blob?" stays valid.
 */
public final class Leases {

    private final Map<String, Integer> blobs = new HashMap<>();
    private final Map<String, Integer> snapshots = new HashMap<>();

    /** One pull's set of leased items; closing it returns them. */
    public final class Lease implements AutoCloseable {
        private final Set<String> myBlobs = new HashSet<>();
        private final Set<String> mySnapshots = new HashSet<>();

        public void blob(String digest) {
            synchronized (Leases.this) {
                if (myBlobs.add(digest)) {
                    blobs.merge(digest, 1, Integer::sum);
                }
            }
        }

        public void snapshot(String chainId) {
            synchronized (Leases.this) {
                if (mySnapshots.add(chainId)) {
                    snapshots.merge(chainId, 1, Integer::sum);
                }
            }
        }

        @Override
        public void close() {
            synchronized (Leases.this) {
                myBlobs.forEach(d -> blobs.computeIfPresent(d, (k, n) -> n == 1 ? null : n - 1));
                mySnapshots.forEach(c -> snapshots.computeIfPresent(c, (k, n) -> n == 1 ? null : n - 1));
                myBlobs.clear();
                mySnapshots.clear();
            }
        }
    }

    public Lease open() {
        return new Lease();
    }

    synchronized Set<String> leasedBlobs() {
        return Set.copyOf(blobs.keySet());
    }

    synchronized Set<String> leasedSnapshots() {
        return Set.copyOf(snapshots.keySet());
    }
}
