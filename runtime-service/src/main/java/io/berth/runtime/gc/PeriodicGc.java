package io.berth.runtime.gc;

import io.berth.image.content.ContentStore;
import io.berth.image.ref.Digest;
import io.berth.image.snapshot.Snapshotter;
import io.berth.image.store.GarbageCollector;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the image service's GarbageCollector every {@code [image] gc_interval}.
 * The collector decides what goes (it sees the leases of pulls in flight and
 * the chain ids containers use); the plan taken just before only measures
 * what the run freed, for the log and the metrics.
 */
public final class PeriodicGc implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeriodicGc.class);

    private final GarbageCollector collector;
    private final GcPlanner planner;
    private final ContentStore content;
    private final Snapshotter snapshots;
    private final Supplier<Set<String>> containerChains;
    private final GcMetrics metrics;
    private final ScheduledExecutorService timer;

    /** What one run did. */
    public record Run(long bytes, int blobs, int snapshots) {
    }

    public PeriodicGc(GarbageCollector collector, GcPlanner planner, ContentStore content, Snapshotter snapshots,
                      Supplier<Set<String>> containerChains, GcMetrics metrics) {
        this.collector = collector;
        this.planner = planner;
        this.content = content;
        this.snapshots = snapshots;
        this.containerChains = containerChains;
        this.metrics = metrics;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("berth-gc")
                .factory());
    }

    /** Starts the timer; the first run is one interval after start-up, which already collected. */
    public PeriodicGc every(Duration interval) {
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(this::runQuietly, ms, ms, TimeUnit.MILLISECONDS);
        LOG.info("garbage collection every {}", interval);
        return this;
    }

    /** One collection now; what the timer calls. */
    public Run runOnce() throws IOException {
        GcPlan plan = planner.plan(containerChains.get());
        GarbageCollector.Result r = collector.collect();
        long bytes = 0;
        for (GcPlan.Item b : plan.blobs()) {
            bytes += content.has(Digest.parse(b.id())) ? 0 : b.bytes();
        }
        for (GcPlan.Item s : plan.snapshots()) {
            bytes += snapshots.exists(s.id()) ? 0 : s.bytes();
        }
        for (GcPlan.Item i : plan.ingests()) {
            bytes += java.nio.file.Files.exists(java.nio.file.Path.of(i.id())) ? 0 : i.bytes();
        }
        metrics.ran(bytes, r.blobs(), r.snapshots());
        return new Run(bytes, r.blobs(), r.snapshots());
    }

    private void runQuietly() {
        try {
            Run run = runOnce();
            if (run.blobs() + run.snapshots() > 0) {
                LOG.info("periodic garbage collection freed {} bytes ({} blobs, {} snapshots)", run.bytes(),
                        run.blobs(), run.snapshots());
            }
        } catch (IOException | RuntimeException e) {
            // The next run retries; a failure must not stop the timer.
            metrics.failed();
            LOG.warn("periodic garbage collection failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
