package io.berth.runtime.container;

import io.berth.common.error.FailedPreconditionException;

/**
 * Lifecycle of a container.
 * <pre>
 *  CreateContainer
 *        │ rootfs and bundle made, then the record written once, already CREATED
 *        ▼
 *    CREATING ──rootfs + bundle ready──► CREATED ──StartContainer──► RUNNING ──process exits──► EXITED
 *        │                                  │        (shim: runtime      │      (exit file)        ▲
 *        │                                  │         create + start)    │                         │
 *        │                                  └── start failed ────────────┼─────────────────────────┤
 *        │                                                               └── no shim, no exit file,│
 *        │                                                                   runtime says stopped ─┘
 *        └── a step failed, or found at start-up ──► rolled back ──► (gone)
 *
 *    UNKNOWN: the record exists but the runtime cannot tell us about the process
 *    (it is reported, stoppable and removable).   Any visible state ──RemoveContainer──► (gone)
 * </pre>
 * CREATING is berth's own and invisible to the CRI, like the sandbox's. It is
 * never written any more: a {@code kill -9} inside CreateContainer leaves a
 * bundle and mount with no record, which the start-up sweep removes. Records
 * that older builds wrote as CREATING are still rolled back at start-up.
 */
public enum ContainerState {
    CREATING,
    CREATED,
    RUNNING,
    EXITED,
    UNKNOWN;

    public boolean visible() {
        return this != CREATING;
    }

    /** StartContainer only from CREATED (api.proto, StartContainer). */
    public boolean canStart() {
        return this == CREATED;
    }

    /** A process may exist that signals reach. */
    public boolean mayHaveProcess() {
        return this == RUNNING || this == UNKNOWN;
    }

    public boolean canExec() {
        return this == RUNNING;
    }

    public boolean canUpdateResources() {
        return this == CREATED || this == RUNNING;
    }

    public io.berth.cri.v1.ContainerState toCri() {
        return switch (this) {
            case CREATING, CREATED -> io.berth.cri.v1.ContainerState.CONTAINER_CREATED;
            case RUNNING -> io.berth.cri.v1.ContainerState.CONTAINER_RUNNING;
            case EXITED -> io.berth.cri.v1.ContainerState.CONTAINER_EXITED;
            case UNKNOWN -> io.berth.cri.v1.ContainerState.CONTAINER_UNKNOWN;
        };
    }

    public static ContainerState fromCri(io.berth.cri.v1.ContainerState s) {
        return switch (s) {
            case CONTAINER_CREATED -> CREATED;
            case CONTAINER_RUNNING -> RUNNING;
            case CONTAINER_EXITED -> EXITED;
            default -> UNKNOWN;
        };
    }

    /** FailedPrecondition naming the container, the action and this state when {@code allowed} is false. */
    public void require(boolean allowed, String containerId, String action) {
        if (!allowed) {
            throw new FailedPreconditionException("cannot " + action + " container " + containerId
                    + ": it is " + this);
        }
    }
}
