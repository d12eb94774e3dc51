package io.berth.image.pull;

import io.berth.image.config.ImageConfig;
import io.berth.image.config.RegistryConfig;
import io.berth.image.registry.Platform;
import java.time.Duration;

/**
 * The knobs of the pull path, from {@code [registry]} and {@code [image]}.
 *
 * @param progressLogInterval how often a long pull logs its progress
 */
public record PullSettings(Platform platform, int maxConcurrentDownloads, Duration progressTimeout,
        Duration pullTimeout, Duration progressLogInterval) {

    public static final Duration DEFAULT_LOG_INTERVAL = Duration.ofSeconds(5);

    public static PullSettings from(RegistryConfig registry, ImageConfig image) {
        return new PullSettings(Platform.parse(registry.platform()), registry.maxConcurrentDownloads(),
                image.pullProgressTimeout(), image.pullTimeout(), DEFAULT_LOG_INTERVAL);
    }
}
