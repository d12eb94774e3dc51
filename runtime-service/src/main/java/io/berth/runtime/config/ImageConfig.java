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
        String pullTimeout,
        @Doc("How often berthd deletes content and snapshots that no image and no\n"
                + "container references; \"0\" turns the periodic run off (RemoveImage\n"
                + "and start-up still collect).")
        String gcInterval) implements ConfigSection {

    public ImageConfig {
        pinned = pinned == null ? List.of() : List.copyOf(pinned);
    }

    public static ImageConfig defaults() {
        return new ImageConfig(List.of(), "5m", "30m", "1h");
    }

    @Override
    public void validate() {
        Durations.parse("pull_progress_timeout", pullProgressTimeout);
        Durations.parse("pull_timeout", pullTimeout);
        gcEvery();
    }

    /** The periodic garbage collection's interval; empty when {@code gc_interval = "0"}. */
    public java.util.Optional<java.time.Duration> gcEvery() {
        return "0".equals(gcInterval) ? java.util.Optional.empty()
                : java.util.Optional.of(Durations.parse("gc_interval", gcInterval));
    }

    /** The image-service's view of this table. */
    public io.berth.image.config.ImageConfig toImage() {
        return new io.berth.image.config.ImageConfig(pinned, Durations.parse("pull_progress_timeout",
                pullProgressTimeout), Durations.parse("pull_timeout", pullTimeout));
    }
}
