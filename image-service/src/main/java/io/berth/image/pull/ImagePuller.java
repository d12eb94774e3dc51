package io.berth.image.pull;

import io.berth.common.error.BerthException;
import io.berth.common.error.DeadlineExceededException;
import io.berth.common.error.UnavailableException;
import io.berth.image.content.ContentStore;
import io.berth.image.failure.PullFailure;
import io.berth.image.ref.ImageReference;
import io.berth.image.registry.Credentials;
import io.berth.image.registry.RegistryClient;
import io.berth.image.snapshot.Snapshotter;
import io.berth.image.store.GarbageCollector;
import io.berth.image.store.ImageRecord;
import io.berth.image.store.ImageStore;
import io.berth.image.store.Leases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls images: one {@link PullJob} per reference and credentials at a time,
 * shared by all concurrent callers (single flight per image). Each caller
 * waits until its own deadline; a job whose last caller gave up is cancelled,
 * and so is one that saw no progress for the progress timeout or ran past
 * the absolute cap. A watchdog thread enforces both and logs long pulls.
 */
public final class ImagePuller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImagePuller.class);
    /** How long a cancelled pull may take to clean up before the caller is answered anyway. */
    private static final Duration CLEANUP_DEADLINE = Duration.ofSeconds(10);

    private final PullServices s;
    private final Map<String, PullJob> jobs = new HashMap<>();
    private final ScheduledExecutorService watchdog;
    private volatile PullListener listener;

    public ImagePuller(RegistryClient registry, ContentStore content, Snapshotter snapshots, ImageStore images,
            Leases leases, GarbageCollector gc, PullSettings settings, Clock clock) {
        this.s = new PullServices(registry, content, snapshots, images, leases, gc,
                new BlobDownloads(content, registry, snapshots), new UnpackLocks(), settings, clock);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pull-watchdog");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(10, Math.min(1000, settings.progressTimeout().toMillis() / 4));
        watchdog.scheduleWithFixedDelay(this::checkJobs, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * Pulls {@code ref} and returns the stored image.
     *
     * @param deadline the caller's deadline (the gRPC deadline), or null for none
     */
    public ImageRecord pull(ImageReference ref, Credentials creds, Instant deadline) throws InterruptedException {
        PullJob job = joinOrStart(ref, creds);
        try {
            Duration wait = deadline == null ? null : Duration.between(s.clock().instant(), deadline);
            ImageRecord r = wait == null ? job.result.get() : job.result.get(Math.max(0, wait.toNanos()),
                    TimeUnit.NANOSECONDS);
            leave(job);
            return r;
        } catch (ExecutionException e) {
            leave(job);
            throw e.getCause() instanceof BerthException b ? b
                    : new UnavailableException("pulling " + ref + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            giveUp(job, new DeadlineExceededException("pulling " + ref + " did not finish before the caller's deadline"));
            throw new DeadlineExceededException("pulling " + ref + " did not finish before the caller's deadline");
        } catch (InterruptedException e) {
            giveUp(job, new UnavailableException("pulling " + ref + " was cancelled by the caller"));
            throw e;
        }
    }

    private PullJob joinOrStart(ImageReference ref, Credentials creds) {
        String key = ref + "|" + creds.cacheKey();
        synchronized (jobs) {
            PullJob job = jobs.get(key);
            if (job == null || job.result.isDone()) {
                job = new PullJob(ref, creds, s);
                jobs.put(key, job);
                PullJob started = job;
                job.result.whenComplete((r, t) -> {
                    synchronized (jobs) {
                        jobs.remove(key, started);
                    }
                });
                job.finished.whenComplete((v, t) -> report(started));
                job.join();
                job.start();
                return job;
            }
            job.join();
            return job;
        }
    }

    /** Who hears about each pull that ends; one listener (the daemon's metrics), null for none. */
    public void listen(PullListener l) {
        this.listener = l;
    }

    private void report(PullJob job) {
        PullListener l = listener;
        if (l == null) {
            return;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - job.startNanos);
        try {
            if (job.result.isCompletedExceptionally()) {
                l.failed(job.ref, PullFailure.of(job.result.exceptionNow()), took);
            } else {
                l.pulled(job.ref, job.bytesDownloaded, took);
            }
        } catch (RuntimeException e) {
            LOG.warn("pull listener failed on {}", job.ref, e);
        }
    }

    private void leave(PullJob job) {
        synchronized (jobs) {
            job.leave();
        }
    }

    // The last caller to give up cancels the pull and waits (bounded) for
    // its cleanup, so "deadline exceeded" means nothing partial is left.
    private void giveUp(PullJob job, BerthException reason) {
        boolean last;
        synchronized (jobs) {
            last = job.leave() == 0;
        }
        if (!last) {
            return;
        }
        job.cancel(reason);
        try {
            job.finished.get(CLEANUP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("cancelled pull of {} did not finish cleaning up within {}", job.ref, CLEANUP_DEADLINE);
        }
    }

    private void checkJobs() {
        List<PullJob> running;
        synchronized (jobs) {
            running = List.copyOf(jobs.values());
        }
        long now = System.nanoTime();
        for (PullJob job : running) {
            try {
                check(job, now);
            } catch (RuntimeException e) {
                LOG.warn("pull watchdog failed on {}", job.ref, e);
            }
        }
    }

    private void check(PullJob job, long now) {
        PullSettings cfg = s.settings();
        if (now - job.startNanos > cfg.pullTimeout().toNanos()) {
            job.cancel(new DeadlineExceededException("pulling " + job.ref + " took longer than pull_timeout "
                    + cfg.pullTimeout()));
        } else if (!job.unpacking && now - job.lastActivityNanos() > cfg.progressTimeout().toNanos()) {
            job.cancel(new DeadlineExceededException("pulling " + job.ref + " made no progress for "
                    + cfg.progressTimeout() + " (pull_progress_timeout); the registry stalled"));
        }
        long interval = cfg.progressLogInterval().toNanos();
        if (now - job.startNanos > interval && now - job.lastLogNanos >= interval) {
            job.lastLogNanos = now;
            double secs = (now - job.startNanos) / 1e9;
            long done = job.bytesDone();
            LOG.info("pulling {}: {} of {} MB downloaded, {}/{} layers unpacked, {} s, {} MB/s", job.ref,
                    mb(done), mb(job.bytesTotal), job.layersDone, Math.max(job.layersTotal, 0),
                    Math.round(secs), String.format("%.1f", done / 1e6 / secs));
        }
    }

    private static String mb(long bytes) {
        return String.format("%.1f", bytes / 1e6);
    }

    /** Blob bodies fetched from registries by this puller; for tests of single flight. */
    public long blobFetchCount() {
        return s.downloads().fetchCount();
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        synchronized (jobs) {
            jobs.values().forEach(j -> j.cancel(new UnavailableException("image service is shutting down")));
        }
    }
}
