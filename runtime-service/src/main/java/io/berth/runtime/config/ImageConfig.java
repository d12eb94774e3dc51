package io.berth.runtime.config;

import java.util.List;

/** {@code [image]}: image pulls and retention. */
public record ImageConfig(
        @Doc("Images reported as pinned (never garbage-collected by the kubelet),\n"
                + "by name, e.g. [\"registry.k8s.io/pause:3.10\"].")
        List<String> pinned,
        @Doc("A pull that receives no bytes for this long fails.")
        String pullProgressTimeout,
        @Doc("No pull takes longer than this, whatever the caller's deadline.")
        String pullTimeout) implements ConfigSection {

    public ImageConfig {
        pinned = pinned == null ? List.of() : List.copyOf(pinned);
    }

    public static ImageConfig defaults() {
        return new ImageConfig(List.of(), "5m", "30m");
    }

    @Override
    public void validate() {
        Durations.parse("pull_progress_timeout", pullProgressTimeout);
        Durations.parse("pull_timeout", pullTimeout);
    }

    /** The image-service's view of this table. */
    public io.berth.image.config.ImageConfig toImage() {
        return new io.berth.image.config.ImageConfig(pinned, Durations.parse("pull_progress_timeout",
                pullProgressTimeout), Durations.parse("pull_timeout", pullTimeout));
    }
}
