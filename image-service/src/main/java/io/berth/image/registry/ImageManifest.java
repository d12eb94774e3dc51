package io.berth.image.registry;

import java.util.List;

/** A single-platform image manifest (Docker schema 2 or OCI). */
public record ImageManifest(String mediaType, Descriptor config, List<Descriptor> layers) implements Manifest {

    public ImageManifest {
        layers = List.copyOf(layers);
    }
}
