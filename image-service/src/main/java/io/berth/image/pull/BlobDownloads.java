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
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Downloads blobs into the content store with at most one download per
 * digest in flight, however many pulls want that blob (single flight). A
 * download is reference counted by the pulls waiting for it and interrupted
 * when the last of them gives up, which also removes its partial file.
 */
final class BlobDownloads {

    private static final int BUFFER = 256 * 1024;

    /** Where a download fetches from: the endpoint that resolved the image, with the pull's credentials. */
    record Source(RegistryEndpoint endpoint, ImageReference ref, Credentials creds, Duration headerTimeout) {
    }

    /** One blob download, shared by every pull that needs the blob. */
    static final class Download {
        final Descriptor descriptor;
        final CompletableFuture<Path> done = new CompletableFuture<>();
        final AtomicLong bytes = new AtomicLong();
        volatile long lastProgressNanos = System.nanoTime();
        private int refs;
        private Thread thread;

        Download(Descriptor descriptor) {
            this.descriptor = descriptor;
        }
    }

    private final ContentStore content;
    private final RegistryClient registry;
    private final Map<Digest, Download> inFlight = new HashMap<>();
    private final AtomicLong fetches = new AtomicLong();

    BlobDownloads(ContentStore content, RegistryClient registry) {
        this.content = content;
        this.registry = registry;
    }

    /** Joins the download of {@code d}, starting it if nobody has. */
    synchronized Download acquire(Descriptor d, Source source, Semaphore limit) {
        Download dl = inFlight.get(d.digest());
        if (dl == null) {
            dl = new Download(d);
            inFlight.put(d.digest(), dl);
            Download started = dl;
            dl.thread = Thread.ofVirtual().name("blob-" + d.digest().shortHex())
                    .start(() -> run(started, source, limit));
        }
        dl.refs++;
        return dl;
    }

    /** Leaves a download; the last one to leave an unfinished download stops it. */
    synchronized void release(Download dl) {
        dl.refs--;
        if (dl.refs == 0 && !dl.done.isDone()) {
            inFlight.remove(dl.descriptor.digest(), dl);
            dl.thread.interrupt();
        }
    }

    /** Blob bodies actually fetched from a registry so far; tests count single flight with it. */
    long fetchCount() {
        return fetches.get();
    }

    private void run(Download dl, Source source, Semaphore limit) {
        try {
            limit.acquire();
            try {
                dl.done.complete(fetch(dl, source));
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

    private Path fetch(Download dl, Source src) throws IOException, InterruptedException {
        Descriptor d = dl.descriptor;
        // Another download may have committed it between the caller's check and now.
        if (content.has(d.digest())) {
            return content.path(d.digest());
        }
        fetches.incrementAndGet();
        try (RegistryTransport.Response r = registry.openBlob(src.endpoint(), src.ref(), src.creds(), d.digest(),
                src.headerTimeout()); Ingest in = content.begin(d.digest(), d.size())) {
            long announced = r.contentLength();
            if (announced >= 0 && announced != d.size()) {
                throw new FailedPreconditionException("blob " + d.digest() + " of " + src.ref().repository()
                        + ": registry " + src.endpoint().authority() + " sends " + announced
                        + " bytes, the manifest says " + d.size() + "; discarded");
            }
            copy(dl, r.body(), in);
            in.commit();
            return content.path(d.digest());
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

    private static void copy(Download dl, InputStream body, Ingest in) throws IOException {
        byte[] buf = new byte[BUFFER];
        int n;
        while ((n = body.read(buf)) >= 0) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("cancelled");
            }
            in.write(buf, 0, n);
            dl.bytes.addAndGet(n);
            dl.lastProgressNanos = System.nanoTime();
        }
    }
}
