package io.berth.runtime.gc;

import java.util.List;

/**
 * What a garbage collection would free, and why each item is unreferenced.
 *
 * @param blobs     content blobs, by digest
 * @param snapshots layer snapshots, by chain id
 * @param ingests   partial downloads nothing has written for a while, by path
 */
public record GcPlan(List<Item> blobs, List<Item> snapshots, List<Item> ingests) {

    /** One thing to free: its id, the bytes it takes, and why nothing needs it. */
    public record Item(String id, long bytes, String reason) {
    }

    public GcPlan {
        blobs = List.copyOf(blobs);
        snapshots = List.copyOf(snapshots);
        ingests = List.copyOf(ingests);
    }

    public long bytes() {
        return java.util.stream.Stream.of(blobs, snapshots, ingests).flatMap(List::stream).mapToLong(Item::bytes)
                .sum();
    }

    public boolean isEmpty() {
        return blobs.isEmpty() && snapshots.isEmpty() && ingests.isEmpty();
    }
}
