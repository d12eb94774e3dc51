package io.berth.runtime.sandbox;

import io.berth.cri.v1.StopPodSandboxRequest;
import io.berth.cri.v1.StopPodSandboxResponse;
import io.berth.runtime.grpc.UnaryHandler;

/**
 * StopPodSandbox: stops the pod's containers and releases its network. It is
 * idempotent and succeeds for an unknown id (api.proto, StopPodSandbox).
 */
public final class StopPodSandboxHandler implements UnaryHandler<StopPodSandboxRequest, StopPodSandboxResponse> {

    private final SandboxService sandboxes;

    public StopPodSandboxHandler(SandboxService sandboxes) {
        this.sandboxes = sandboxes;
    }

    @Override
    public StopPodSandboxResponse handle(StopPodSandboxRequest request) {
        sandboxes.stop(request.getPodSandboxId());
        return StopPodSandboxResponse.getDefaultInstance();
    }
}
