package io.berth.runtime.shim;

import java.io.IOException;

/**
 * Starts berth-shim for a container or an exec (STYLE.md rule 7: the OS boundary
 * behind a narrow interface).
 *
 * <p>Contract: {@link #start} returns only once the OCI runtime reported the process
 * running; the shim is then detached and outlives berthd. On every failure nothing is
 * left behind by the shim: it is killed and waited for, it wrote no exit file, and its
 * socket is gone. If the failure is a timeout the runtime may still hold a half-created
 * container, which the caller removes with the runtime's {@code delete --force}.
 */
public interface ShimLauncher {

    /**
     * @throws ShimStartException when the shim or the OCI runtime refused, with the runtime's text
     * @throws io.berth.common.error.DeadlineExceededException when no answer came in time
     * @throws IOException when the shim binary cannot be run
     */
    ShimProcess start(ShimConfig config) throws IOException;
}
