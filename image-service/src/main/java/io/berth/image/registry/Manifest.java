package io.berth.image.registry;

/** What a manifest URL can return that we accept. */
public sealed interface Manifest permits ImageManifest, ManifestIndex {

    String mediaType();
}
