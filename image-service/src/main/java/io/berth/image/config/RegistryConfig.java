package io.berth.image.config;

import java.util.List;
import java.util.Map;

/**
 * The {@code [registry]} table. Keys are documented in image-service/README.md.
 *
 * @param mirrors per upstream host (as in the image reference, e.g. {@code docker.io})
 * @param insecure hosts ({@code host} or {@code host:port}) reached over plain HTTP
 * @param platform {@code os/arch[/variant]} chosen from multi-platform images
 * @param maxConcurrentDownloads layer downloads in flight per pull
 */
public record RegistryConfig(Map<String, MirrorConfig> mirrors, List<String> insecure,
        String platform, int maxConcurrentDownloads) {

    public static final String DEFAULT_PLATFORM = "linux/amd64";
    public static final int DEFAULT_MAX_CONCURRENT_DOWNLOADS = 4;

    public RegistryConfig {
        mirrors = mirrors == null ? Map.of() : Map.copyOf(mirrors);
        insecure = insecure == null ? List.of() : List.copyOf(insecure);
        platform = platform == null || platform.isBlank() ? DEFAULT_PLATFORM : platform;
        if (maxConcurrentDownloads <= 0) {
            maxConcurrentDownloads = DEFAULT_MAX_CONCURRENT_DOWNLOADS;
        }
    }

    public static RegistryConfig defaults() {
        return new RegistryConfig(Map.of(), List.of(), DEFAULT_PLATFORM, DEFAULT_MAX_CONCURRENT_DOWNLOADS);
    }
}
