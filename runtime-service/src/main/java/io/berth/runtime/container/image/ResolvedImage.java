package io.berth.runtime.container.image;

import java.nio.file.Path;
import java.util.List;

/**
 * An image a container can be made of: its identity and its snapshot chain.
 *
 * @param id            config digest (CRI image_id)
 * @param ref           a repo digest when the image has one, else the id (CRI image_ref)
 * @param chainId       top-most chain id
 * @param snapshotsBase what overlay lowerdirs are relative to
 * @param lowerDirs     top-most first
 */
public record ResolvedImage(String id, String ref, String chainId, Path snapshotsBase, List<Path> lowerDirs,
                            ImageConfigView config) {

    public ResolvedImage {
        lowerDirs = List.copyOf(lowerDirs);
    }
}
