package io.berth.runtime.sandbox;

import io.berth.runtime.oci.UserNamespaceSpec;
import java.io.IOException;

/**
 * Starts and ends the pod's infra process: PID 1 of a new PID namespace that
 * only reaps zombies. Needed only when the pod shares one PID namespace.
 */
public interface InfraLauncher {

    /** Starts the infra process; it outlives berthd. */
    InfraProcess start(String sandboxId) throws IOException;

    /**
     * Starts the infra process of a pod with a user namespace of its own
     * (userns_options POD): a new user namespace with {@code userns}'s
     * mapping, and new network, IPC and UTS namespaces (and, with
     * {@code pidNamespace}, the PID namespace it is PID 1 of) created inside
     * it, so that the pod's root owns them. The process runs as the pod's
     * root (the mapped host ids), never as host root. Without
     * {@code pidNamespace} the caller pins what it needs and then stops it.
     */
    InfraProcess startInUserNamespace(String sandboxId, UserNamespaceSpec.Mappings userns, boolean pidNamespace)
            throws IOException;

    /**
     * Kills the infra process (and with it every process left in its PID
     * namespace) and waits until it is gone. Idempotent; never kills a
     * process that merely reuses the pid.
     */
    void stop(InfraProcess process) throws IOException;

    /** Whether this very process still runs. */
    boolean alive(InfraProcess process);
}
