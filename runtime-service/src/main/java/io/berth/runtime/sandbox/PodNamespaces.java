package io.berth.runtime.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The OS boundary for the namespaces a pod pins itself (IPC, UTS) and for
 * sysctls written inside pinned namespaces. The Linux implementation uses
 * unshare, setns and bind mounts; unit tests use a fake.
 */
public interface PodNamespaces {

    /**
     * What to create: each non-null pin path gets a new namespace of its kind,
     * all made on one thread.
     *
     * @param hostname set inside the new UTS namespace before it is pinned; ignored without {@code uts}
     */
    record PinRequest(Path ipc, Path uts, String hostname) {
    }

    /**
     * Creates and pins the requested namespaces. On failure nothing of it is
     * left pinned.
     */
    void createPinned(PinRequest request) throws IOException;

    /**
     * What to pin of a running process's namespaces (a user-namespaced pod's
     * infra, which made them): each non-null pin gets that process's namespace
     * of its kind.
     *
     * @param hostname set inside the process's UTS namespace; ignored without {@code uts}
     */
    record AdoptRequest(long pid, Path user, Path ipc, Path uts, String hostname) {
    }

    /** Pins the process's namespaces and sets the hostname. On failure nothing of it is left pinned. */
    void adoptPinned(AdoptRequest request) throws IOException;

    /** Unmounts and deletes a pin. A missing pin is fine (idempotent). */
    void unpin(Path pin) throws IOException;

    /**
     * Mounts a fresh tmpfs of {@code sizeBytes} at {@code dir} (created if
     * missing) for the pod's containers to share as /dev/shm: mode 1777,
     * nosuid, nodev, noexec, as a container's own /dev/shm would be.
     */
    void mountShm(Path dir, long sizeBytes) throws IOException;

    /** Unmounts the pod's /dev/shm and deletes its directory; a missing one is fine (idempotent). */
    void unmountShm(Path dir) throws IOException;

    /** Whether {@code pin} still holds a namespace (gone after a reboot). */
    boolean isPinned(Path pin);

    /**
     * Writes sysctls from inside the namespace pinned at {@code pin}, as
     * {@code /proc/sys/a/b/c} for key {@code a.b.c}.
     *
     * @param nsRootUid the host uid of root in the user namespace that owns the namespace (0 for the
     *                  host's): the kernel lets only that uid write an IPC namespace's sysctls
     * @throws SysctlRejectedException naming the first key that does not exist
     *         there or whose value the kernel refused
     */
    void writeSysctls(Path pin, NamespaceKind kind, Map<String, String> sysctls, long nsRootUid)
            throws IOException;

    /** A sysctl that the kernel does not offer in that namespace, or whose value it refused. */
    final class SysctlRejectedException extends IOException {
        private final String key;

        public SysctlRejectedException(String key, String detail) {
            super("sysctl " + key + ": " + detail);
            this.key = key;
        }

        public String key() {
            return key;
        }
    }
}
