package io.berth.runtime.container.image;

import io.berth.common.error.NotFoundException;
import io.berth.image.content.ContentStore;
import io.berth.image.ref.Digest;
import io.berth.image.snapshot.Snapshotter;
import io.berth.image.store.ImageRecord;
import io.berth.image.store.ImageStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link ContainerImages} over the image-service's store, content and snapshotter. */
public final class StoreImages implements ContainerImages {

    private static final int MAX_CACHED = 256;

    private final ImageStore images;
    private final ContentStore content;
    private final Snapshotter snapshots;
    private final Path snapshotsBase;
    /** Parsed config blobs by image id: the id is the blob's digest, so an entry never goes stale. */
    private final Map<String, ImageConfigView> configs = new ConcurrentHashMap<>();

    public StoreImages(ImageStore images, ContentStore content, Snapshotter snapshots, Path snapshotsBase) {
        this.images = images;
        this.content = content;
        this.snapshots = snapshots;
        this.snapshotsBase = snapshotsBase;
    }

    @Override
    public ResolvedImage resolve(String image) {
        ImageRecord r = images.resolve(image).orElseThrow(
                () -> new NotFoundException("image \"" + image + "\" not found: pull it first"));
        List<String> chain = r.chainIds();
        if (chain.isEmpty()) {
            throw new NotFoundException("image \"" + image + "\" (" + r.id() + ") has no layers");
        }
        String top = chain.getLast();
        List<Path> lowers = snapshots.lowerDirs(top);
        if (lowers.isEmpty()) {
            throw new NotFoundException("snapshots of image \"" + image + "\" (" + r.id() + ") are missing");
        }
        ImageConfigView config = configs.get(r.id());
        if (config == null) {
            config = parseConfig(image, r.id());
            if (configs.size() >= MAX_CACHED) {
                configs.clear();
            }
            configs.put(r.id(), config);
        }
        String ref = r.repoDigests().isEmpty() ? r.id() : r.repoDigests().getFirst();
        return new ResolvedImage(r.id(), ref, top, snapshotsBase, lowers, config);
    }

    private ImageConfigView parseConfig(String image, String id) {
        try {
            return ImageConfigView.parse(id, content.read(Digest.parse(id)));
        } catch (IOException e) {
            throw new NotFoundException("config blob of image \"" + image + "\" (" + id + ") is missing: "
                    + e.getMessage());
        }
    }
}
