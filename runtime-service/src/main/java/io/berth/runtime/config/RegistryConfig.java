package io.berth.runtime.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code [registry]}: how images are fetched. */
public record RegistryConfig(
        @Doc("Registries (host or host:port) reached over plain HTTP. localhost and\n"
                + "127.0.0.0/8 always are.")
        List<String> insecure,
        @Doc("Platform picked from multi-platform images: os/arch or os/arch/variant.")
        String platform,
        @Doc("Layers of one pull downloaded at the same time.")
        int maxConcurrentDownloads,
        @Doc("Mirrors per upstream registry, as [registry.mirrors.\"HOST\"] tables.")
        Map<String, MirrorConfig> mirrors) implements ConfigSection {

    public RegistryConfig {
        insecure = insecure == null ? List.of() : List.copyOf(insecure);
        mirrors = mirrors == null ? Map.of() : Map.copyOf(mirrors);
    }

    public static RegistryConfig defaults() {
        return new RegistryConfig(List.of(), "linux/amd64", 4, Map.of());
    }

    @Override
    public void validate() {
        if (!platform.matches("[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?")) {
            throw new BadValueException("platform", "\"" + platform + "\" is not os/arch[/variant]");
        }
        if (maxConcurrentDownloads < 1 || maxConcurrentDownloads > 64) {
            throw new BadValueException("max_concurrent_downloads", maxConcurrentDownloads
                    + " is outside 1..64");
        }
        for (String host : insecure) {
            if (host.isEmpty() || host.contains("/")) {
                throw new BadValueException("insecure", "\"" + host + "\" is not host or host:port");
            }
        }
    }

    /** The image-service's view of this table. */
    public io.berth.image.config.RegistryConfig toImage() {
        Map<String, io.berth.image.config.MirrorConfig> m = new LinkedHashMap<>();
        mirrors.forEach((host, mirror) -> m.put(host, mirror.toImage()));
        return new io.berth.image.config.RegistryConfig(m, insecure, platform, maxConcurrentDownloads);
    }
}
