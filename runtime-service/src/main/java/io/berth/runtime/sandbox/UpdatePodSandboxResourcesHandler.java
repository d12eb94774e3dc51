package io.berth.runtime.sandbox;

import io.berth.cri.v1.UpdatePodSandboxResourcesRequest;
import io.berth.cri.v1.UpdatePodSandboxResourcesResponse;
import io.berth.runtime.grpc.UnaryHandler;

/**
 * UpdatePodSandboxResources: applies new pod-level resources and overhead to
 * the live pod cgroup. NotFound for an unknown pod, FailedPrecondition for a
 * stopped one.
 */
public final class UpdatePodSandboxResourcesHandler
        implements UnaryHandler<UpdatePodSandboxResourcesRequest, UpdatePodSandboxResourcesResponse> {

    private final SandboxService sandboxes;

    public UpdatePodSandboxResourcesHandler(SandboxService sandboxes) {
        this.sandboxes = sandboxes;
    }

    @Override
    public UpdatePodSandboxResourcesResponse handle(UpdatePodSandboxResourcesRequest request) {
        sandboxes.updateResources(request.getPodSandboxId(), request.hasOverhead() ? request.getOverhead() : null,
                request.hasResources() ? request.getResources() : null);
        return UpdatePodSandboxResourcesResponse.getDefaultInstance();
    }
}
