package io.berth.runtime.sandbox;

import java.io.IOException;

/**
 * Starts and ends the pod's infra process: PID 1 of a new PID namespace that
 * only reaps zombies. Needed only when the pod shares one PID namespace.
 */
public interface InfraLauncher {

    /** Starts the infra process; it outlives berthd. */
    InfraProcess start(String sandboxId) throws IOException;

    /**
     * Kills the infra process (and with it every process left in its PID
     * namespace) and waits until it is gone. Idempotent; never kills a
     * process that merely reuses the pid.
     */
    void stop(InfraProcess process) throws IOException;

    /** Whether this very process still runs. */
    boolean alive(InfraProcess process);
}
