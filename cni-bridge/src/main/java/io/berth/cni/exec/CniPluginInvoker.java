package io.berth.cni.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The OS boundary of the CNI executor (STYLE.md rule 7): finding a plugin
 * binary and running it. The real one execs binaries from the configured
 * bin dirs; unit tests use a recording fake.
 *
 * Contract: {@link #invoke} never throws for a non-zero exit (the caller
 * reads the error object); it throws {@link io.berth.common.error.DeadlineExceededException}
 * when the call's timeout passes (the plugin is killed first), and
 * {@link PluginNotFoundException} when no binary of that type exists.
 */
public interface CniPluginInvoker {

    /** The binary that would run for {@code type}, if any. */
    Optional<Path> locate(String type);

    PluginOutput invoke(PluginCall call) throws IOException;
}
