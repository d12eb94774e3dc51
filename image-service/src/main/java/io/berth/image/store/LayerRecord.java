package io.berth.image.store;

/**
 * One layer of a stored image: the compressed blob in the content store and
 * the snapshot it was unpacked into.
 *
 * @param digest the compressed blob's digest ({@code sha256:...})
 * @param diffId digest of the uncompressed tar, from the image config
 * @param chainId the snapshot key: this layer on top of all below it
 */
public record LayerRecord(String digest, String mediaType, long size, String diffId, String chainId) {
}
