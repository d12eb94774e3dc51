package io.berth.runtime.stream.runtime;

import io.berth.runtime.shim.ExitWatcher;
import io.berth.runtime.shim.ShimLauncher;
import java.nio.file.Path;
import java.util.List;

/**
 * A running container as exec and attach see it.
 *
 * @param configJson   the bundle's config.json: an exec inherits its process settings
 * @param attachSocket the container shim's attach socket
 * @param stdin        the container was created with stdin (ContainerConfig.stdin)
 * @param stdinOnce    its stdin closes when the first attached client detaches
 * @param tty          the container has a terminal
 * @param exec         where and how exec shims run for this container
 */
public record RunningContainer(String id, Path configJson, Path attachSocket, boolean stdin, boolean stdinOnce,
                               boolean tty, ExecEnv exec) {

    /**
     * What running an exec shim takes.
     *
     * @param execDir scratch for process.json and the exec's private log
     * @param exitDir watched by {@code exits}; exec exit files go there
     * @param socketDir where exec attach sockets go (short paths: sun_path)
     */
    public record ExecEnv(String runtime, List<String> runtimeArgs, ShimLauncher shims, ExitWatcher exits,
                          Path execDir, Path exitDir, Path socketDir) {

        public ExecEnv {
            runtimeArgs = List.copyOf(runtimeArgs);
        }
    }
}
