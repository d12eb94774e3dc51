package io.berth.image.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Read-only layer snapshots keyed by chain id (OCI image-spec config.md,
 * "Layer ChainID"): each one is a layer unpacked once on top of its parent
 * chain. A container's rootfs is an overlay of {@link #lowerDirs} plus its own
 * upper directory.
 *
 * <p>Chain ids are "sha256:&lt;hex&gt;" strings. Implementations are thread-safe.
 */
public interface Snapshotter {

    boolean exists(String chainId);

    /**
     * Unpacks one layer blob (compressed as {@code mediaType} says) on top of
     * {@code parentChainId} (null for the base layer) and commits it under
     * {@code chainId}. Idempotent: a committed chain id is not unpacked again.
     * Two concurrent calls for one chain id do the work once. On failure
     * nothing is left behind.
     *
     * @return the diff id it computed: "sha256:&lt;hex&gt;" of the uncompressed tar
     * @throws io.berth.common.error.InvalidArgumentException for an unsafe or
     *         unreadable layer or an unknown media type, naming the entry or blob
     * @throws io.berth.common.error.FailedPreconditionException when the parent is not committed
     */
    String unpack(String chainId, String parentChainId, Path blob, String mediaType) throws IOException;

    /**
     * Unpacks one layer from a stream into a private directory (see
     * {@link PreparedLayer}), reading it to its end; the caller closes the
     * stream. With {@code readAhead} decompression runs on a second thread,
     * for sources that never stall (files); a network stream must not.
     *
     * @param label names the layer in error messages
     * @throws io.berth.common.error.InvalidArgumentException for an unsafe or
     *         unreadable layer or an unknown media type, naming the entry or the label
     */
    PreparedLayer prepare(InputStream compressed, String mediaType, String label, boolean readAhead)
            throws IOException;

    /**
     * Commits a prepared layer as {@code chainId} on top of {@code parentChainId}
     * (null for the base layer). Directories the layer made only to hold its
     * members take their attributes from the lower layers, so they do not
     * mask them in the overlay. If {@code chainId} is committed already the
     * layer is discarded instead. Either way {@code layer} is used up.
     *
     * @return the diff id recorded for {@code chainId}
     * @throws io.berth.common.error.FailedPreconditionException when the parent is not committed
     */
    String commit(PreparedLayer layer, String chainId, String parentChainId) throws IOException;

    /** The snapshot directories of the chain, top-most first, for overlay's lowerdir; empty if unknown. */
    List<Path> lowerDirs(String chainId);

    /**
     * Removes a committed snapshot; removing a missing one succeeds.
     *
     * @throws io.berth.common.error.FailedPreconditionException while another snapshot has it as parent
     */
    void remove(String chainId) throws IOException;

    /** Every committed chain id. */
    Set<String> list() throws IOException;

    /** Bytes the snapshot's own files take (not its parents'); 0 if unknown. */
    long usageBytes(String chainId);
}
