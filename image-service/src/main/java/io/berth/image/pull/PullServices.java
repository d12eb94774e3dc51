package io.berth.image.pull;

import io.berth.image.content.ContentStore;
import io.berth.image.registry.RegistryClient;
import io.berth.image.snapshot.Snapshotter;
import io.berth.image.store.GarbageCollector;
import io.berth.image.store.ImageStore;
import io.berth.image.store.Leases;
import java.time.Clock;

/** What a pull works with; one instance per image service. */
record PullServices(RegistryClient registry, ContentStore content, Snapshotter snapshots, ImageStore images,
        Leases leases, GarbageCollector gc, BlobDownloads downloads, UnpackLocks unpackLocks, PullSettings settings,
        Clock clock) {
}
