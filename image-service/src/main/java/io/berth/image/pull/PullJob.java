package io.berth.image.pull;

import io.berth.common.error.BerthException;
import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InternalException;
import io.berth.common.error.UnavailableException;
import io.berth.image.ref.ImageReference;
import io.berth.image.registry.Credentials;
import io.berth.image.registry.Descriptor;
import io.berth.image.registry.FetchedContent;
import io.berth.image.registry.ResolvedImage;
import io.berth.image.snapshot.PreparedLayer;
import io.berth.image.store.ImageRecord;
import io.berth.image.store.LayerRecord;
import io.berth.image.store.Leases;
import io.berth.image.failure.PullFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pull of one image, shared by every caller that asked for the same
 * reference with the same credentials meanwhile. Steps: resolve the
 * manifest, fetch the config, download and unpack layers in parallel (each
 * into its own directory, as its bytes arrive), verify diff ids, commit them
 * as snapshots in chain order, record the image. Everything
 * fetched is leased until the record is written, and released (so garbage
 * collection frees it) when the pull fails or is cancelled.
 */
final class PullJob {

    private static final Logger LOG = LoggerFactory.getLogger(PullJob.class);

    final ImageReference ref;
    final Credentials creds;
    final CompletableFuture<ImageRecord> result = new CompletableFuture<>();
    /** Completes after cleanup (leases released, garbage collected), after {@link #result}. */
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    volatile long lastLogNanos;
    final long startNanos = System.nanoTime();
    volatile long lastProgressNanos = startNanos;
    volatile boolean unpacking;
    volatile int layersDone;
    volatile int layersTotal = -1;
    volatile long bytesTotal;
    /** Bytes this pull's downloads fetched, fixed when it ends (the downloads are gone by then). */
    volatile long bytesDownloaded;
    private final PullServices s;
    private final Leases.Lease lease;
    private final Semaphore downloadSlots;
    private final List<BlobDownloads.Download> downloads = new ArrayList<>();
    private volatile BerthException cancelReason;
    private volatile Thread thread;
    private int waiters; // guarded by ImagePuller's job map lock

    PullJob(ImageReference ref, Credentials creds, PullServices services) {
        this.ref = ref;
        this.creds = creds;
        this.s = services;
        this.lease = services.leases().open();
        this.downloadSlots = new Semaphore(services.settings().maxConcurrentDownloads());
    }

    void start() {
        thread = Thread.ofVirtual().name("pull-" + ref).start(this::run);
    }

    int join() {
        return ++waiters;
    }

    int leave() {
        return --waiters;
    }

    /** Stops the pull; the first reason given is what every waiter sees. */
    void cancel(BerthException reason) {
        synchronized (this) {
            if (cancelReason == null && !result.isDone()) {
                cancelReason = reason;
            }
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Bytes downloaded so far by this pull's layer downloads. */
    long bytesDone() {
        synchronized (downloads) {
            return downloads.stream().mapToLong(d -> d.bytes.get()).sum();
        }
    }

    /** Latest sign of life: this pull's own steps or any of its downloads. */
    long lastActivityNanos() {
        long last = lastProgressNanos;
        synchronized (downloads) {
            for (BlobDownloads.Download d : downloads) {
                last = Math.max(last, d.lastProgressNanos);
            }
        }
        return last;
    }

    private void touch() {
        lastProgressNanos = System.nanoTime();
    }

    private void run() {
        ImageRecord record = null;
        BerthException failure = null;
        try {
            record = pull();
        } catch (Throwable t) {
            failure = cancelReason != null ? cancelReason : asBerth(t);
        }
        bytesDownloaded = bytesDone();
        releaseDownloads();
        lease.close();
        if (failure != null) {
            // Cleanup first, then answer: a caller told "failed" finds nothing partial left.
            Thread.interrupted();
            collectGarbage();
            result.completeExceptionally(failure);
        } else {
            result.complete(record);
        }
        finished.complete(null);
    }

    private BerthException asBerth(Throwable t) {
        if (t instanceof BerthException b) {
            return b;
        }
        if (t instanceof IOException) {
            return new UnavailableException("pulling " + ref + " failed: " + t.getMessage(), t);
        }
        if (t instanceof InterruptedException) {
            return new UnavailableException("pulling " + ref + " was interrupted", t);
        }
        LOG.error("pulling {} failed unexpectedly", ref, t);
        return new InternalException("pulling " + ref + " failed: " + t, t);
    }

    private void collectGarbage() {
        try {
            s.gc().collect();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cleaning up after the failed pull of {} failed: {}", ref, e.getMessage());
        }
    }

    private void releaseDownloads() {
        synchronized (downloads) {
            downloads.forEach(s.downloads()::release);
            downloads.clear();
        }
    }

    private ImageRecord pull() throws IOException, InterruptedException {
        Duration headerTimeout = s.settings().progressTimeout();
        ResolvedImage res = s.registry().resolve(ref, creds, s.settings().platform(), headerTimeout);
        touch();
        store(res.manifest());
        if (res.index() != null) {
            store(res.index());
        }
        Descriptor cfgDesc = res.parsed().config();
        lease.blob(cfgDesc.digest().toString());
        byte[] config = s.content().has(cfgDesc.digest()) ? s.content().read(cfgDesc.digest())
                : s.registry().fetchConfig(res.endpoint(), ref, creds, cfgDesc, headerTimeout).bytes();
        s.content().put(cfgDesc.digest(), config);
        touch();
        ImageConfigBlob cfg = ImageConfigBlob.parse(ref.toString(), config);
        List<Descriptor> layers = res.parsed().layers();
        if (cfg.diffIds().size() != layers.size()) {
            throw new FailedPreconditionException("image " + ref + " has " + layers.size() + " layers but its config"
                    + " lists " + cfg.diffIds().size() + " diff ids");
        }
        List<String> chainIds = cfg.chainIds();
        List<LayerRecord> records = unpackAll(res, layers, cfg.diffIds(), chainIds);
        long size = res.manifest().bytes().length + config.length
                + layers.stream().mapToLong(Descriptor::size).sum();
        ImageRecord record = new ImageRecord(cfgDesc.digest().toString(), res.manifest().digest().toString(),
                res.index() == null ? null : res.index().digest().toString(), records,
                ref.tag() == null ? List.of() : List.of(ref.toString()),
                List.of(ref.repository() + "@" + res.topDigest()), size, cfg.user(), s.clock().millis());
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        return s.images().put(record);
    }

    private void store(FetchedContent c) throws IOException {
        lease.blob(c.digest().toString());
        s.content().put(c.digest(), c.bytes());
    }

    private List<LayerRecord> unpackAll(ResolvedImage res, List<Descriptor> layers, List<String> diffIds,
            List<String> chainIds) throws IOException, InterruptedException {
        layersTotal = layers.size();
        bytesTotal = layers.stream().mapToLong(Descriptor::size).sum();
        List<BlobDownloads.Download> fetches = startDownloads(res, layers, chainIds);
        List<LayerRecord> out = new ArrayList<>();
        // Layers download and unpack in parallel; they become snapshots in chain order.
        for (int i = 0; i < layers.size(); i++) {
            Descriptor d = layers.get(i);
            String parent = i == 0 ? null : chainIds.get(i - 1);
            commitOne(d, fetches.get(i), chainIds.get(i), parent, diffIds.get(i));
            layersDone = i + 1;
            touch();
            out.add(new LayerRecord(d.digest().toString(), d.mediaType(), d.size(), diffIds.get(i), chainIds.get(i)));
        }
        return out;
    }

    /** One download (and unpack) per layer that has no snapshot yet; null for those that have one. */
    private List<BlobDownloads.Download> startDownloads(ResolvedImage res, List<Descriptor> layers,
            List<String> chainIds) {
        BlobDownloads.Source src = new BlobDownloads.Source(res.endpoint(), ref, creds, s.settings().progressTimeout());
        List<BlobDownloads.Download> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Descriptor d = layers.get(i);
            // Lease first: once leased, what we see existing stays there.
            lease.snapshot(chainIds.get(i));
            lease.blob(d.digest().toString());
            if (s.snapshots().exists(chainIds.get(i))) {
                out.add(null);
                continue;
            }
            BlobDownloads.Download dl = s.downloads().acquire(d, src, downloadSlots);
            synchronized (downloads) {
                downloads.add(dl);
            }
            out.add(dl);
        }
        return out;
    }

    private void commitOne(Descriptor d, BlobDownloads.Download dl, String chainId, String parent, String diffId)
            throws IOException, InterruptedException {
        if (dl == null || s.snapshots().exists(chainId)) {
            return;
        }
        Path blob = await(dl.done);
        ReentrantLock lock = s.unpackLocks().lockFor(chainId);
        lock.lockInterruptibly();
        unpacking = true;
        try {
            if (s.snapshots().exists(chainId)) {
                return;
            }
            PreparedLayer layer = s.downloads().takeLayer(dl);
            if (layer == null) {
                unpackAgain(d, blob, chainId, parent, diffId); // another pull took it, for another chain
                return;
            }
            try (layer) {
                checkDiffId(d, diffId, layer.diffId());
                s.snapshots().commit(layer, chainId, parent);
            }
        } finally {
            unpacking = false;
            lock.unlock();
        }
    }

    private void unpackAgain(Descriptor d, Path blob, String chainId, String parent, String diffId)
            throws IOException {
        String actual = s.snapshots().unpack(chainId, parent, blob, d.mediaType());
        if (!diffId.equals(actual)) {
            s.snapshots().remove(chainId);
            checkDiffId(d, diffId, actual);
        }
    }

    private void checkDiffId(Descriptor d, String expected, String actual) {
        if (!expected.equals(actual)) {
            throw new FailedPreconditionException("layer " + d.digest() + " of " + ref + " unpacks to diff id "
                    + actual + " but the image config says " + expected, PullFailure.DIGEST_MISMATCH.tag());
        }
    }

    private static Path await(CompletableFuture<Path> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BerthException b) {
                throw b;
            }
            throw new UnavailableException("layer download failed: " + e.getCause(), e.getCause());
        }
    }
}
