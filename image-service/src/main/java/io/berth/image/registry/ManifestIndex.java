package io.berth.image.registry;

import java.util.List;

/** A multi-platform manifest list (Docker) or image index (OCI). */
public record ManifestIndex(String mediaType, List<Descriptor> manifests) implements Manifest {

    public ManifestIndex {
        manifests = List.copyOf(manifests);
    }
}
