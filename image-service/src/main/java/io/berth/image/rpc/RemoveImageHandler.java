package io.berth.image.rpc;

import io.berth.common.error.InternalException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.RemoveImageRequest;
import io.berth.cri.v1.RemoveImageResponse;
import io.berth.image.store.GarbageCollector;
import io.berth.image.store.ImageRecord;
import io.berth.image.store.ImageStore;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RemoveImage. Removing a missing image succeeds (api.proto: "This call is
 * idempotent"). Naming an image by one tag, its id or a digest removes the
 * image with all its names, as the CRI text for 1.36 says; content and
 * snapshots no other image uses are freed right away.
 */
public final class RemoveImageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RemoveImageHandler.class);

    private final ImageStore images;
    private final GarbageCollector gc;

    RemoveImageHandler(ImageStore images, GarbageCollector gc) {
        this.images = images;
        this.gc = gc;
    }

    public RemoveImageResponse handle(RemoveImageRequest request) {
        String image = request.getImage().getImage();
        if (image.isBlank()) {
            throw new InvalidArgumentException("RemoveImage: image is empty");
        }
        Optional<ImageRecord> found = images.resolve(image);
        if (found.isEmpty()) {
            return RemoveImageResponse.getDefaultInstance();
        }
        try {
            images.remove(found.get().id());
            LOG.info("removed image {} {}", found.get().id(), found.get().names());
            gc.collect();
        } catch (IOException e) {
            throw new InternalException("removing image " + found.get().id() + " failed: " + e.getMessage(), e);
        }
        return RemoveImageResponse.getDefaultInstance();
    }
}
