package io.berth.runtime.container.rpc;

import io.berth.cri.v1.RemoveContainerRequest;
import io.berth.cri.v1.RemoveContainerResponse;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.grpc.UnaryHandler;

/** RemoveContainer: force-removes (kills a running one); idempotent (api.proto, RemoveContainer). */
public final class RemoveContainerHandler implements UnaryHandler<RemoveContainerRequest, RemoveContainerResponse> {

    private final ContainerService containers;

    public RemoveContainerHandler(ContainerService containers) {
        this.containers = containers;
    }

    @Override
    public RemoveContainerResponse handle(RemoveContainerRequest request) {
        containers.remove(request.getContainerId());
        return RemoveContainerResponse.getDefaultInstance();
    }
}
