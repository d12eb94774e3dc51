package io.berth.image.registry;

import io.berth.image.ref.Digest;

/**
 * The outcome of resolving a reference: the endpoint that answered, the index
 * when the reference named a multi-platform image (null otherwise), and the
 * manifest for our platform.
 */
public record ResolvedImage(RegistryEndpoint endpoint, FetchedContent index, FetchedContent manifest,
        ImageManifest parsed) {

    /** The digest the reference resolves to: the index's when there is one, as the ecosystem reports it. */
    public Digest topDigest() {
        return index != null ? index.digest() : manifest.digest();
    }
}
