package io.berth.runtime.config;

import java.net.URI;
import java.util.List;

/** One {@code [registry.mirrors."HOST"]} table: where to look before the upstream registry HOST. */
public record MirrorConfig(
        @Doc("Mirror base URLs tried in order, e.g. [\"http://127.0.0.1:5000\"]; the\n"
                + "repository path is kept (HOST/pause -> MIRROR/v2/pause/...).")
        List<String> endpoints,
        @Doc("Fall back to the upstream registry when every mirror failed (default true).")
        Boolean fallback) implements ConfigSection {

    public MirrorConfig {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        fallback = fallback == null ? Boolean.TRUE : fallback;
    }

    @Override
    public void validate() {
        for (String e : endpoints) {
            URI u;
            try {
                u = URI.create(e);
            } catch (IllegalArgumentException ex) {
                throw new BadValueException("endpoints", "\"" + e + "\" is not a URL");
            }
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new BadValueException("endpoints", "\"" + e + "\" is not an http:// or https:// URL");
            }
        }
    }

    io.berth.image.config.MirrorConfig toImage() {
        return new io.berth.image.config.MirrorConfig(endpoints, fallback);
    }
}
