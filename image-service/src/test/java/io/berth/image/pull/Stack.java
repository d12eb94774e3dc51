package io.berth.image.pull;

import io.berth.image.config.ImageConfig;
import io.berth.image.config.RegistryConfig;
import io.berth.image.ref.ImageReference;
import io.berth.image.registry.Credentials;
import io.berth.image.registry.JdkHttpTransport;
import io.berth.image.rpc.ImageServiceModule;
import io.berth.image.snapshot.OverlaySnapshotter;
import io.berth.image.snapshot.Snapshotter;
import io.berth.image.store.ImageRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** An image service over a test's own root, with the real snapshotter unless told otherwise. */
final class Stack implements AutoCloseable {

    final Path root;
    final Snapshotter snapshots;
    final ImageServiceModule module;

    Stack(Path root, RegistryConfig registry, ImageConfig image, Snapshotter snapshots) throws IOException {
        this.root = root;
        this.snapshots = snapshots;
        if (snapshots instanceof OverlaySnapshotter o) {
            o.cleanup();
        }
        this.module = ImageServiceModule.open(new ImageServiceModule.Options(root, registry, image, snapshots,
                new JdkHttpTransport(), Clock.systemUTC(), Set::of));
    }

    static Stack real(Path root) throws IOException {
        return real(root, RegistryConfig.defaults(), ImageConfig.defaults());
    }

    static Stack real(Path root, RegistryConfig registry, ImageConfig image) throws IOException {
        return new Stack(root, registry, image, new OverlaySnapshotter(root));
    }

    static ImageConfig timeouts(Duration progress, Duration total) {
        return new ImageConfig(List.of(), progress, total);
    }

    ImageRecord pull(String ref) throws InterruptedException {
        return pull(ref, Credentials.ANONYMOUS, null);
    }

    ImageRecord pull(String ref, Credentials creds, Instant deadline) throws InterruptedException {
        return module.puller().pull(ImageReference.parse(ref), creds, deadline);
    }

    /** True when no partial download, unreferenced blob or unreferenced snapshot is left. */
    void assertNothingLeftOver() throws IOException {
        Leftovers.assertNone(module, snapshots);
    }

    @Override
    public void close() {
        module.close();
    }
}
