package io.berth.image.rpc;

import io.berth.image.config.ImageConfig;
import io.berth.image.config.RegistryConfig;
import io.berth.image.content.ContentStore;
import io.berth.image.pull.ImagePuller;
import io.berth.image.pull.PullSettings;
import io.berth.image.registry.RegistryClient;
import io.berth.image.registry.RegistryHosts;
import io.berth.image.registry.RegistryTransport;
import io.berth.image.snapshot.Snapshotter;
import io.berth.image.store.GarbageCollector;
import io.berth.image.store.ImageStore;
import io.berth.image.store.Leases;
import io.berth.image.store.StoreRecovery;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The image service's parts over one root directory, opened and recovered
 * together: content under {@code <root>/content}, image records under
 * {@code <root>/images}, snapshots wherever the given snapshotter keeps them.
 * berthd builds one at start-up (with {@code new OverlaySnapshotter(root)},
 * after calling its {@code cleanup()}) and hands it to {@link ImageServiceHandlers}.
 */
public final class ImageServiceModule implements AutoCloseable {

    private final Path root;
    private final ImageConfig imageConfig;
    private final ContentStore content;
    private final ImageStore images;
    private final Snapshotter snapshots;
    private final GarbageCollector gc;
    private final ImagePuller puller;
    private final StoreRecovery.Report recovery;

    /** What {@link #open} needs; {@code inUseSnapshots} names chain ids containers still use. */
    public record Options(Path root, RegistryConfig registry, ImageConfig image, Snapshotter snapshots,
            RegistryTransport transport, Clock clock, Supplier<Set<String>> inUseSnapshots) {
    }

    private ImageServiceModule(Options o) throws IOException {
        this.root = o.root();
        this.imageConfig = o.image();
        this.content = new ContentStore(o.root().resolve("content"));
        this.images = ImageStore.open(o.root().resolve("images"));
        this.snapshots = o.snapshots();
        Leases leases = new Leases();
        this.gc = new GarbageCollector(images, content, snapshots, leases, o.inUseSnapshots());
        this.recovery = StoreRecovery.recover(images, content, snapshots, gc);
        RegistryClient registry = new RegistryClient(o.transport(), new RegistryHosts(o.registry()), o.clock());
        this.puller = new ImagePuller(registry, content, snapshots, images, leases, gc,
                PullSettings.from(o.registry(), o.image()), o.clock());
    }

    public static ImageServiceModule open(Options options) throws IOException {
        return new ImageServiceModule(options);
    }

    public Path root() {
        return root;
    }

    public ImageConfig imageConfig() {
        return imageConfig;
    }

    public ContentStore content() {
        return content;
    }

    public ImageStore images() {
        return images;
    }

    public Snapshotter snapshots() {
        return snapshots;
    }

    public GarbageCollector gc() {
        return gc;
    }

    public ImagePuller puller() {
        return puller;
    }

    public StoreRecovery.Report recovery() {
        return recovery;
    }

    @Override
    public void close() {
        puller.close();
    }
}
