package io.berth.runtime.stream.runtime;

import io.berth.common.error.NotFoundException;

/**
 * The container and sandbox lookups streaming needs (STYLE.md rule 7): a narrow
 * view over the container and sandbox services, so that the runtime and the
 * RPC checks do not depend on how those services are built.
 */
public interface ContainerStreams {

    /** What berthd serves before containers and sandboxes are wired in: every id is unknown. */
    ContainerStreams NONE = new ContainerStreams() {
        @Override
        public RunningContainer running(String containerId) {
            throw new NotFoundException("container \"" + containerId + "\" not found");
        }

        @Override
        public PodNetns readySandbox(String sandboxId) {
            throw new NotFoundException("pod sandbox \"" + sandboxId + "\" not found");
        }
    };

    /**
     * @throws NotFoundException for an unknown id
     * @throws io.berth.common.error.FailedPreconditionException when it is not running, naming its state
     */
    RunningContainer running(String containerId);

    /**
     * @throws NotFoundException for an unknown id
     * @throws io.berth.common.error.FailedPreconditionException when it is not ready, naming its state
     */
    PodNetns readySandbox(String sandboxId);
}
