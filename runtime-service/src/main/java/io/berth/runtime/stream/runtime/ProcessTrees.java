package io.berth.runtime.stream.runtime;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kills a process and everything below it, for processes that are not berthd's children. */
final class ProcessTrees {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessTrees.class);
    private static final long KILL_WAIT_SECONDS = 10;

    private ProcessTrees() {
    }

    /**
     * Kills the tree under {@code pid} and waits, bounded, for {@code exit} (the session's own
     * view of the process ending); a failed exit counts as ended.
     */
    static void killAndAwait(long pid, CompletableFuture<?> exit, String what) {
        kill(pid);
        try {
            exit.get(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{} (pid {}) did not end within {} s of SIGKILL", what, pid, KILL_WAIT_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // it failed on its own: nothing left to wait for
        }
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
