package io.berth.runtime.container.rpc;

import io.berth.cri.v1.StartContainerRequest;
import io.berth.cri.v1.StartContainerResponse;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.grpc.UnaryHandler;

/** StartContainer: only a CREATED container starts (FailedPrecondition naming the state otherwise). */
public final class StartContainerHandler implements UnaryHandler<StartContainerRequest, StartContainerResponse> {

    private final ContainerService containers;

    public StartContainerHandler(ContainerService containers) {
        this.containers = containers;
    }

    @Override
    public StartContainerResponse handle(StartContainerRequest request) {
        containers.start(request.getContainerId());
        return StartContainerResponse.getDefaultInstance();
    }
}
