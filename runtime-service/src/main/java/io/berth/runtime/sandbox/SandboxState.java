package io.berth.runtime.sandbox;

import io.berth.common.error.FailedPreconditionException;

/**
 * Lifecycle of a pod sandbox.
 * <pre>
 *   RunPodSandbox
 *        │  record written before any resource exists
 *        ▼
 *    CREATING ──every step done──► READY ──StopPodSandbox──► NOTREADY ──RemovePodSandbox──► (gone)
 *        │                           │                          ▲
 *        │                           └── pins lost (reboot),    │
 *        │                               infra process died ────┘
 *        └── a step failed, or found at start-up ──► rolled back ──► (gone)
 * </pre>
 * CREATING is berth's own: the CRI never sees it (List skips it, Status says
 * NotFound). It exists so that a {@code kill -9} in the middle of
 * RunPodSandbox leaves a record that start-up recovery can roll back.
 */
public enum SandboxState {
    CREATING,
    READY,
    NOTREADY;

    /** Whether the CRI may see the sandbox (ListPodSandbox, PodSandboxStatus). */
    public boolean visible() {
        return this != CREATING;
    }

    /** Containers may be created only in a ready sandbox. */
    public boolean canCreateContainers() {
        return this == READY;
    }

    /** Live resources can be changed only while the pod runs. */
    public boolean canUpdateResources() {
        return this == READY;
    }

    /** Stop is idempotent (api.proto, StopPodSandbox), from any visible state. */
    public boolean canStop() {
        return this != CREATING;
    }

    /**
     * Fails with FailedPrecondition naming the sandbox, the action and the
     * state when {@code allowed} is false.
     */
    public void require(boolean allowed, String sandboxId, String action) {
        if (!allowed) {
            throw new FailedPreconditionException("cannot " + action + " pod sandbox " + sandboxId
                    + ": it is " + this);
        }
    }
}
