package io.berth.image.registry;

import io.berth.image.ref.Digest;

/** An OCI content descriptor: what a manifest or index points at. */
public record Descriptor(String mediaType, Digest digest, long size, Platform platform) {

    public Descriptor {
        if (size < 0) {
            throw new IllegalArgumentException("negative size for " + digest);
        }
    }
}
