package io.berth.image.registry;

import io.berth.image.ref.Digest;

/** A small piece of content (manifest, index, config) fetched and verified against its digest. */
public record FetchedContent(Digest digest, String mediaType, byte[] bytes) {
}
