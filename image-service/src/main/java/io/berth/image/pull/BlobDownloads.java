package io.berth.image.pull;

import io.berth.common.error.BerthException;
import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.UnavailableException;
import io.berth.image.content.ContentStore;
import io.berth.image.content.Ingest;
import io.berth.image.ref.Digest;
import io.berth.image.ref.ImageReference;
import io.berth.image.registry.Credentials;
import io.berth.image.registry.Descriptor;
import io.berth.image.registry.RegistryClient;
import io.berth.image.registry.RegistryEndpoint;
import io.berth.image.registry.RegistryTransport;
import io.berth.image.snapshot.PreparedLayer;
import io.berth.image.snapshot.Snapshotter;
import io.berth.image.failure.PullFailure;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Downloads layer blobs into the content store and unpacks them on the way:
 * the bytes read from the registry are hashed and written to the ingest file
 * and, in the same pass, decompressed and untarred into a private layer
 * directory ({@link PreparedLayer}), so the blob is never read twice and
 * unpacking overlaps the download. The layer is only handed out once the
 * blob's digest and size checked out; a mismatch discards both. A layer
 * already in the content store is unpacked from there.
 *
 * <p>At most one download per digest is in flight, however many pulls want
 * that blob (single flight). A download is reference counted by the pulls
 * waiting for it and interrupted when the last of them gives up, which also
 * removes its partial file and directory; so is a layer nobody committed.
 */
final class BlobDownloads {

    /** Where a download fetches from: the endpoint that resolved the image, with the pull's credentials. */
    record Source(RegistryEndpoint endpoint, ImageReference ref, Credentials creds, Duration headerTimeout) {
    }

    /** One blob download, shared by every pull that needs the blob. */
    static final class Download {
        final Descriptor descriptor;
        /** The committed blob; {@link #takeLayer} has its unpacked layer once this completed. */
        final CompletableFuture<Path> done = new CompletableFuture<>();
        final AtomicLong bytes = new AtomicLong();
        volatile long lastProgressNanos = System.nanoTime();
        private int refs; // the rest guarded by the BlobDownloads
        private Thread thread;
        private PreparedLayer layer;
        private boolean layerTaken;

        Download(Descriptor descriptor) {
            this.descriptor = descriptor;
        }
    }

    private final ContentStore content;
    private final RegistryClient registry;
    private final Snapshotter snapshots;
    private final Map<Digest, Download> inFlight = new HashMap<>();
    private final AtomicLong fetches = new AtomicLong();

    BlobDownloads(ContentStore content, RegistryClient registry, Snapshotter snapshots) {
        this.content = content;
        this.registry = registry;
        this.snapshots = snapshots;
    }

    /** Joins the download of {@code d}, starting it if nobody has. */
    synchronized Download acquire(Descriptor d, Source source, Semaphore limit) {
        Download dl = inFlight.get(d.digest());
        if (dl == null) {
            dl = new Download(d);
            inFlight.put(d.digest(), dl);
            Download started = dl;
            // A platform thread: unpacking blocks in file system calls that would pin a virtual one.
            dl.thread = Thread.ofPlatform().daemon().name("blob-" + d.digest().shortHex())
                    .start(() -> run(started, source, limit));
        }
        dl.refs++;
        return dl;
    }

    /**
     * Leaves a download; the last one to leave stops an unfinished download
     * and removes a layer nobody took.
     */
    void release(Download dl) {
        PreparedLayer unused;
        synchronized (this) {
            dl.refs--;
            if (dl.refs > 0) {
                return;
            }
            if (!dl.done.isDone()) {
                inFlight.remove(dl.descriptor.digest(), dl);
                dl.thread.interrupt();
            }
            unused = takeLayer(dl);
        }
        if (unused != null) {
            unused.close();
        }
    }

    /**
     * The layer the finished download unpacked, to commit; null when another
     * pull took it already (the caller unpacks the blob again) or there is none.
     */
    synchronized PreparedLayer takeLayer(Download dl) {
        if (dl.layer == null || dl.layerTaken) {
            return null;
        }
        dl.layerTaken = true;
        return dl.layer;
    }

    /** Blob bodies actually fetched from a registry so far; tests count single flight with it. */
    long fetchCount() {
        return fetches.get();
    }

    private void run(Download dl, Source source, Semaphore limit) {
        try {
            limit.acquire();
            try {
                Fetched f = fetch(dl, source);
                boolean orphan;
                synchronized (this) {
                    inFlight.remove(dl.descriptor.digest(), dl);
                    orphan = dl.refs == 0;
                    dl.layer = f.layer();
                    dl.layerTaken = orphan;
                }
                if (orphan) {
                    f.layer().close(); // every pull gave up while it finished
                }
                dl.done.complete(f.blob());
            } finally {
                limit.release();
            }
        } catch (InterruptedException | InterruptedIOException e) {
            dl.done.completeExceptionally(new UnavailableException("download of blob " + dl.descriptor.digest()
                    + " was cancelled"));
        } catch (Throwable t) {
            dl.done.completeExceptionally(t);
        } finally {
            synchronized (this) {
                inFlight.remove(dl.descriptor.digest(), dl);
            }
        }
    }

    private record Fetched(Path blob, PreparedLayer layer) {
    }

    private Fetched fetch(Download dl, Source src) throws IOException, InterruptedException {
        Descriptor d = dl.descriptor;
        // Another download may have committed it between the caller's check and now.
        if (content.has(d.digest())) {
            try (InputStream in = new Progress(Files.newInputStream(content.path(d.digest())), dl)) {
                return new Fetched(content.path(d.digest()),
                        snapshots.prepare(in, d.mediaType(), d.digest().toString(), true));
            }
        }
        fetches.incrementAndGet();
        try (RegistryTransport.Response r = registry.openBlob(src.endpoint(), src.ref(), src.creds(), d.digest(),
                src.headerTimeout()); Ingest in = content.begin(d.digest(), d.size())) {
            long announced = r.contentLength();
            if (announced >= 0 && announced != d.size()) {
                throw new FailedPreconditionException("blob " + d.digest() + " of " + src.ref().repository()
                        + ": registry " + src.endpoint().authority() + " sends " + announced
                        + " bytes, the manifest says " + d.size() + "; discarded", PullFailure.DIGEST_MISMATCH.tag());
            }
            PreparedLayer layer = unpackWhileWriting(dl, r.body(), in);
            try {
                in.commit();
            } catch (IOException | RuntimeException e) {
                layer.close();
                throw e;
            }
            return new Fetched(content.path(d.digest()), layer);
        } catch (BerthException | InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("cancelled");
            }
            throw new UnavailableException("downloading blob " + d.digest() + " from " + src.endpoint().authority()
                    + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Unpacks the body while the ingest takes the same bytes, then reads what
     * follows the tar (so the digest covers the whole blob) and verifies it.
     * A tampered or truncated blob usually fails to unpack as well; then the
     * digest or size is what the error names, not a tar entry.
     */
    private PreparedLayer unpackWhileWriting(Download dl, InputStream body, Ingest in) throws IOException {
        Descriptor d = dl.descriptor;
        InputStream tee = new Tee(body, in, dl);
        PreparedLayer layer;
        try {
            // No read-ahead thread: a stalled registry would block it where nothing can stop it.
            layer = snapshots.prepare(tee, d.mediaType(), d.digest().toString(), false);
        } catch (IOException | BerthException e) {
            blameTheBlob(e, tee, in);
            throw e;
        }
        try {
            tee.transferTo(OutputStream.nullOutputStream());
            return layer;
        } catch (IOException | RuntimeException e) {
            layer.close();
            throw e;
        }
    }

    /**
     * Reads the rest of a blob whose unpack failed and verifies it, throwing
     * the digest or size mismatch when there is one: that is the real error
     * then. Returns for a cancelled download and for one whose rest cannot be
     * read, which keep the unpack's error.
     */
    private static void blameTheBlob(Exception unpackFailure, InputStream tee, Ingest in) {
        if (unpackFailure instanceof InterruptedIOException || Thread.currentThread().isInterrupted()) {
            return;
        }
        try {
            tee.transferTo(OutputStream.nullOutputStream());
            in.verify();
        } catch (FailedPreconditionException mismatch) {
            mismatch.addSuppressed(unpackFailure);
            throw mismatch;
        } catch (IOException e) {
            unpackFailure.addSuppressed(e);
        }
    }

    /** The registry's bytes on their way to the unpacker, copied into the ingest file. */
    private static final class Tee extends InputStream {
        private final InputStream body;
        private final Ingest ingest;
        private final Download dl;

        Tee(InputStream body, Ingest ingest, Download dl) {
            this.body = body;
            this.ingest = ingest;
            this.dl = dl;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("cancelled");
            }
            // Whole buffers, not the transport's small chunks: one write per read. Every chunk
            // still counts as progress, so a trickling registry is told apart from a stalled one.
            int total = 0;
            while (total < len) {
                int n = body.read(b, off + total, len - total);
                if (n < 0) {
                    break;
                }
                total += n;
                dl.bytes.addAndGet(n);
                dl.lastProgressNanos = System.nanoTime();
            }
            if (total == 0) {
                return len == 0 ? 0 : -1;
            }
            ingest.write(b, off, total);
            return total;
        }

        @Override
        public void close() {
            // the download closes the body and the ingest
        }
    }

    /** A committed blob being unpacked: reading it is the pull's sign of life. */
    private static final class Progress extends FilterInputStream {
        private final Download dl;

        Progress(InputStream in, Download dl) {
            super(in);
            this.dl = dl;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            dl.lastProgressNanos = System.nanoTime();
            return n;
        }
    }
}
