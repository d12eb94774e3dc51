package io.berth.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.image.failure.PullFailure;
import io.berth.image.ref.ImageReference;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PullMetricsTest {

    private static String scrape(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void countsPullsBytesDurationAndFailuresByReason() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        PullMetrics m = new PullMetrics(registry);
        ImageReference ref = ImageReference.parse("busybox");
        m.pulled(ref, 1_000_000, Duration.ofMillis(800));
        m.pulled(ref, 500, Duration.ofSeconds(20));
        m.failed(ref, PullFailure.AUTH, Duration.ofMillis(30));
        m.failed(ref, PullFailure.DIGEST_MISMATCH, Duration.ofSeconds(2));
        m.failed(ref, PullFailure.DIGEST_MISMATCH, Duration.ofSeconds(3));
        String text = scrape(registry);

        assertTrue(text.contains("berth_image_pulls_total 2.0"), text);
        assertTrue(text.contains("berth_image_pull_bytes_total 1000500.0"), text);
        assertTrue(text.contains("berth_image_pull_failures_total{reason=\"auth\"} 1.0"), text);
        assertTrue(text.contains("berth_image_pull_failures_total{reason=\"digest_mismatch\"} 2.0"), text);
        assertTrue(text.contains("berth_image_pull_failures_total{reason=\"timeout\"} 0.0"),
                "reasons that never happened read 0: " + text);
        assertTrue(text.contains("berth_image_pull_duration_seconds_bucket{result=\"success\",le=\"1.0\"} 1"), text);
        assertTrue(text.contains("berth_image_pull_duration_seconds_bucket{result=\"success\",le=\"30.0\"} 2"), text);
        assertTrue(text.contains("berth_image_pull_duration_seconds_count{result=\"failure\"} 3"), text);
    }
}
