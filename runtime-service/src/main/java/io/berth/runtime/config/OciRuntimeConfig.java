package io.berth.runtime.config;

import java.util.List;

/**
 * One {@code [runtimes.NAME]} table: an OCI runtime a RuntimeClass handler
 * NAME selects. berthd's {@code default_runtime} names the one used for pods
 * without a handler.
 */
public record OciRuntimeConfig(
        @Doc("The OCI runtime binary: an absolute path, or a name looked up on PATH.")
        String path,
        @Doc("The runtime's state directory (its --root). Empty: <state>/runtimes/NAME.")
        String root,
        @Doc("More global options placed before every subcommand, e.g. [\"--systemd-cgroup\"].")
        List<String> runtimeArgs) implements ConfigSection {

    public OciRuntimeConfig {
        runtimeArgs = runtimeArgs == null ? List.of() : List.copyOf(runtimeArgs);
        root = root == null ? "" : root;
    }

    public static OciRuntimeConfig runc() {
        return new OciRuntimeConfig("runc", "", List.of());
    }

    @Override
    public void validate() {
        if (path == null || path.isBlank()) {
            throw new BadValueException("path", "an OCI runtime needs a binary");
        }
        if (!root.isEmpty() && !root.startsWith("/")) {
            throw new BadValueException("root", "\"" + root + "\" is not an absolute path");
        }
        for (String a : runtimeArgs) {
            if (!a.startsWith("-")) {
                throw new BadValueException("runtime_args", "\"" + a + "\" is not an option");
            }
        }
    }
}
