package io.berth.runtime.container.rpc;

import io.berth.cri.v1.UpdateContainerResourcesRequest;
import io.berth.cri.v1.UpdateContainerResourcesResponse;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.grpc.UnaryHandler;

/** UpdateContainerResources: the live cgroup and the stored status. */
public final class UpdateContainerResourcesHandler
        implements UnaryHandler<UpdateContainerResourcesRequest, UpdateContainerResourcesResponse> {

    private final ContainerService containers;

    public UpdateContainerResourcesHandler(ContainerService containers) {
        this.containers = containers;
    }

    @Override
    public UpdateContainerResourcesResponse handle(UpdateContainerResourcesRequest request) {
        containers.updateResources(request.getContainerId(), request.getLinux());
        return UpdateContainerResourcesResponse.getDefaultInstance();
    }
}
