package io.berth.runtime.sandbox;

import java.util.List;

/**
 * The sandbox's view of its containers, implemented by the container side.
 * StopPodSandbox and RemovePodSandbox call it before tearing the pod down.
 * Each method is idempotent and succeeds for a sandbox without containers.
 */
public interface PodContainers {

    /** Stops every container of the sandbox (immediately: the pod is going away). */
    void stopAll(String sandboxId);

    /** Removes every container of the sandbox, with its rootfs, bundle and name. */
    void removeAll(String sandboxId);

    /** Ids of the sandbox's containers. */
    List<String> list(String sandboxId);

    /** Until containers exist, a sandbox has none. */
    PodContainers NONE = new PodContainers() {
        @Override
        public void stopAll(String sandboxId) {
        }

        @Override
        public void removeAll(String sandboxId) {
        }

        @Override
        public List<String> list(String sandboxId) {
            return List.of();
        }
    };
}
