package io.berth.runtime.shim;

import java.nio.file.Path;

/**
 * A running shim and the process it watches.
 *
 * @param shimPid the detached shim (not a child of berthd)
 * @param pid     the container's init, or the exec process, as the host sees it
 */
public record ShimProcess(long shimPid, long pid, Path socket, Path exitFile) {
}
