package io.berth.runtime.gc;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Counters of the periodic garbage collection, on the daemon's /metrics. */
public final class GcMetrics {

    private final Counter runs;
    private final Counter freedBytes;
    private final Counter freed;

    public GcMetrics(PrometheusRegistry registry) {
        runs = Counter.builder().name("berth_gc_runs_total")
                .help("Periodic garbage collections, by result (ok or failed)")
                .labelNames("result").register(registry);
        freedBytes = Counter.builder().name("berth_gc_freed_bytes_total")
                .help("Bytes of content blobs and snapshots the periodic garbage collection deleted")
                .register(registry);
        freed = Counter.builder().name("berth_gc_freed_total")
                .help("Content blobs and snapshots the periodic garbage collection deleted, by kind")
                .labelNames("kind").register(registry);
        runs.initLabelValues("ok");
        runs.initLabelValues("failed");
    }

    void ran(long bytes, int blobs, int snapshots) {
        runs.labelValues("ok").inc();
        freedBytes.inc(bytes);
        freed.labelValues("blob").inc(blobs);
        freed.labelValues("snapshot").inc(snapshots);
    }

    void failed() {
        runs.labelValues("failed").inc();
    }
}
