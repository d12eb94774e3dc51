package io.berth.image.config;

import java.util.List;

/**
 * Mirrors of one upstream registry, from {@code [registry.mirrors."<host>"]}.
 *
 * @param endpoints base URLs tried in order before the upstream, e.g. {@code http://127.0.0.1:5000}
 * @param fallback whether the upstream itself is tried after every mirror failed
 */
public record MirrorConfig(List<String> endpoints, boolean fallback) {

    public MirrorConfig {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }
}
