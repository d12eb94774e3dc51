package io.berth.runtime.container.rpc;

import io.berth.cri.v1.StopContainerRequest;
import io.berth.cri.v1.StopContainerResponse;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.grpc.UnaryHandler;

/** StopContainer: idempotent, also for unknown ids (api.proto, StopContainer). */
public final class StopContainerHandler implements UnaryHandler<StopContainerRequest, StopContainerResponse> {

    private final ContainerService containers;

    public StopContainerHandler(ContainerService containers) {
        this.containers = containers;
    }

    @Override
    public StopContainerResponse handle(StopContainerRequest request) {
        containers.stop(request.getContainerId(), Math.max(0, request.getTimeout()));
        return StopContainerResponse.getDefaultInstance();
    }
}
