package io.berth.runtime.stream.rpc;

/**
 * The container and sandbox checks the streaming RPCs need, answered by the
 * container and sandbox stores (STYLE.md rule 7: a narrow interface, faked in
 * unit tests).
 */
public interface StreamTargets {

    /**
     * Returns the full id of a running container.
     *
     * @throws io.berth.common.error.NotFoundException if there is no such container
     * @throws io.berth.common.error.FailedPreconditionException if it is not running, naming its state
     */
    String requireRunningContainer(String containerId);

    /**
     * Returns the full id of a ready sandbox.
     *
     * @throws io.berth.common.error.NotFoundException if there is no such sandbox
     * @throws io.berth.common.error.FailedPreconditionException if it is not ready, naming its state
     */
    String requireReadySandbox(String sandboxId);
}
