package io.berth.runtime.stream.runtime;

import java.util.List;

/** Kills a process and everything below it, for processes that are not berthd's children. */
final class ProcessTrees {

    private ProcessTrees() {
    }

    /**
     * SIGKILL to {@code pid} and its descendants. The tree is read before the kill: once the root
     * dies its children move to the shim (a subreaper) and no longer look like descendants.
     * ProcessHandle checks the start time, so a recycled pid is not hit.
     */
    static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(root -> {
            List<ProcessHandle> tree = root.descendants().toList();
            root.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
        });
    }
}
