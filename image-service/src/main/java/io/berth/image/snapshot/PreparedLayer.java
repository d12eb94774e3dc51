package io.berth.image.snapshot;

import java.io.Closeable;

/**
 * A layer unpacked into a private directory of its own, not yet a snapshot.
 * Layers of one image unpack in any order, even in parallel, since each has
 * its own directory; only {@link Snapshotter#commit} binds one to a chain
 * id, and that needs the parent committed. Closing a layer that was not
 * committed removes its files; closing is idempotent.
 */
public interface PreparedLayer extends Closeable {

    /** "sha256:&lt;hex&gt;" of the uncompressed tar stream. */
    String diffId();

    @Override
    void close();
}
