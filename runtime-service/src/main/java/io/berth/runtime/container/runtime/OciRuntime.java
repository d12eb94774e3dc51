package io.berth.runtime.container.runtime;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The calls berthd makes to an OCI runtime itself (create, start and exec go
 * through the shim). One instance per configured runtime handler. Every call
 * is idempotent where the CRI needs it: killing or deleting a container the
 * runtime does not know succeeds.
 */
public interface OciRuntime {

    /** What the runtime reports for a container ({@code runtime state}). */
    record State(String status, long pid) {
        public boolean running() {
            return "running".equals(status) || "created".equals(status) || "paused".equals(status);
        }
    }

    /** The handler name ("" for the default) this runtime serves. */
    String handler();

    /** The binary, as the shim is told to run it. */
    String binary();

    /** Global options placed before every subcommand, e.g. {@code --root=...}. */
    List<String> globalArgs();

    /** Sends {@code signal} to the init (or, with {@code all}, every process) of the container. */
    void kill(String id, int signal, boolean all) throws IOException;

    /** {@code delete --force}: removes the runtime's state; a missing container succeeds. */
    void delete(String id) throws IOException;

    /**
     * Forgets a container whose processes are all known to be gone: its init was
     * reaped and it had its own PID namespace, so nothing of it can be left running.
     * The caller removes its cgroup afterwards. Where the runtime's delete of such a
     * container only removes its state directory, an implementation may do just that
     * instead of running the runtime (a whole process, tens of ms of CPU here).
     */
    default void deleteExited(String id) throws IOException {
        delete(id);
    }

    /** Empty when the runtime does not know the container. */
    Optional<State> state(String id) throws IOException;

    /** {@code update --resources -}: applies an OCI LinuxResources JSON to a live container. */
    void update(String id, byte[] linuxResourcesJson) throws IOException;
}
