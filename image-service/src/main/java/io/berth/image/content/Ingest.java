package io.berth.image.content;

import io.berth.common.error.FailedPreconditionException;
import io.berth.image.ref.Digest;
import io.berth.image.failure.PullFailure;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * One blob being written. Bytes are hashed and counted as they arrive, so a
 * blob longer than announced fails at once and a wrong one fails at
 * {@link #commit()} without being read twice. Closing without commit
 * removes the partial file.
 */
public final class Ingest implements Closeable {

    private final ContentStore store;
    private final Path file;
    private final Digest expected;
    private final long expectedSize;
    private final FileChannel channel;
    private final MessageDigest sha = Digest.newMessageDigest();
    private long written;
    private boolean committed;

    Ingest(ContentStore store, Path file, Digest expected, long expectedSize) throws IOException {
        this.store = store;
        this.file = file;
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    public void write(byte[] buf, int off, int len) throws IOException {
        if (written + len > expectedSize) {
            throw new FailedPreconditionException("blob " + expected + " is longer than its descriptor's "
                    + expectedSize + " bytes", PullFailure.DIGEST_MISMATCH.tag());
        }
        sha.update(buf, off, len);
        ByteBuffer bb = ByteBuffer.wrap(buf, off, len);
        while (bb.hasRemaining()) {
            channel.write(bb);
        }
        written += len;
    }

    public long written() {
        return written;
    }

    /** Verifies size and digest, then makes the blob visible atomically. */
    public void commit() throws IOException {
        verify();
        channel.force(true);
        channel.close();
        store.commit(file, expected);
        committed = true;
    }

    /**
     * Checks that the bytes so far are exactly the expected blob, naming it
     * when not. Ends the digest: call it once, and only {@link #close()} after.
     */
    public void verify() {
        Digest actual = Digest.fromBytes(sha.digest());
        if (written != expectedSize) {
            throw new FailedPreconditionException("blob " + expected + " is truncated or too long: got " + written
                    + " bytes, expected " + expectedSize, PullFailure.DIGEST_MISMATCH.tag());
        }
        if (!actual.equals(expected)) {
            throw new FailedPreconditionException("blob " + expected + " failed verification: its content has digest "
                    + actual + "; discarded", PullFailure.DIGEST_MISMATCH.tag());
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
            if (!committed) {
                Files.deleteIfExists(file);
            }
        } finally {
            store.ended(file);
        }
    }
}
