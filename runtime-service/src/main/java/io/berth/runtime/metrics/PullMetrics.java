package io.berth.runtime.metrics;

import io.berth.image.failure.PullFailure;
import io.berth.image.pull.PullListener;
import io.berth.image.ref.ImageReference;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;

/**
 * Image pulls for /metrics: how many finished and failed (by reason), the
 * layer bytes they downloaded and how long they took. No image label: image
 * names are unbounded and would grow the series without limit.
 */
public final class PullMetrics implements PullListener {

    private final Counter pulls;
    private final Counter failures;
    private final Counter bytes;
    private final Histogram duration;

    public PullMetrics(PrometheusRegistry registry) {
        pulls = Counter.builder()
                .name("berth_image_pulls_total")
                .help("Image pulls that completed")
                .register(registry);
        failures = Counter.builder()
                .name("berth_image_pull_failures_total")
                .help("Image pulls that failed, by reason (not_found, auth, digest_mismatch, timeout, invalid,"
                        + " registry_error, other)")
                .labelNames("reason")
                .register(registry);
        bytes = Counter.builder()
                .name("berth_image_pull_bytes_total")
                .help("Layer bytes downloaded by completed image pulls")
                .unit(Unit.BYTES)
                .register(registry);
        duration = Histogram.builder()
                .name("berth_image_pull_duration_seconds")
                .help("Time an image pull took, by result (success or failure)")
                .unit(Unit.SECONDS)
                .labelNames("result")
                .classicOnly()
                // From an image already present (a manifest round trip) to a slow multi-GB pull.
                .classicUpperBounds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)
                .register(registry);
        for (PullFailure f : PullFailure.values()) {
            failures.labelValues(f.label()); // every reason shows as 0 before its first failure
        }
    }

    @Override
    public void pulled(ImageReference ref, long downloaded, Duration took) {
        pulls.inc();
        bytes.inc(downloaded);
        duration.labelValues("success").observe(seconds(took));
    }

    @Override
    public void failed(ImageReference ref, PullFailure reason, Duration took) {
        failures.labelValues(reason.label()).inc();
        duration.labelValues("failure").observe(seconds(took));
    }

    private static double seconds(Duration d) {
        return Unit.nanosToSeconds(d.toNanos());
    }
}
