package io.berth.image.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code [image]} table. Keys are documented in image-service/README.md.
 *
 * @param pinned image references reported as pinned (kept out of the kubelet's image GC)
 * @param pullProgressTimeout a pull fails when no byte arrived for this long
 * @param pullTimeout absolute cap on one pull, whatever the caller's deadline
 */
public record ImageConfig(List<String> pinned, Duration pullProgressTimeout, Duration pullTimeout) {

    public static final Duration DEFAULT_PROGRESS_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(30);

    public ImageConfig {
        pinned = pinned == null ? List.of() : List.copyOf(pinned);
        pullProgressTimeout = positiveOr(pullProgressTimeout, DEFAULT_PROGRESS_TIMEOUT);
        pullTimeout = positiveOr(pullTimeout, DEFAULT_PULL_TIMEOUT);
    }

    public static ImageConfig defaults() {
        return new ImageConfig(List.of(), DEFAULT_PROGRESS_TIMEOUT, DEFAULT_PULL_TIMEOUT);
    }

    private static Duration positiveOr(Duration d, Duration fallback) {
        return d == null || d.isZero() || d.isNegative() ? fallback : d;
    }
}
