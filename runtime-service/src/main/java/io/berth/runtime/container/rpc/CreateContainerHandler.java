package io.berth.runtime.container.rpc;

import io.berth.cri.v1.CreateContainerRequest;
import io.berth.cri.v1.CreateContainerResponse;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.grpc.UnaryHandler;

/** CreateContainer: rootfs, bundle and record, or nothing (the container does not run yet). */
public final class CreateContainerHandler implements UnaryHandler<CreateContainerRequest, CreateContainerResponse> {

    private final ContainerService containers;

    public CreateContainerHandler(ContainerService containers) {
        this.containers = containers;
    }

    @Override
    public CreateContainerResponse handle(CreateContainerRequest request) {
        String id = containers.create(request.getPodSandboxId(), request.getConfig(),
                request.hasSandboxConfig() ? request.getSandboxConfig() : null).id();
        return CreateContainerResponse.newBuilder().setContainerId(id).build();
    }
}
