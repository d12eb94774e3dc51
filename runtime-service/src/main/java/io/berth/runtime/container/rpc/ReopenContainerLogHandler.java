package io.berth.runtime.container.rpc;

import io.berth.cri.v1.ReopenContainerLogRequest;
import io.berth.cri.v1.ReopenContainerLogResponse;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.grpc.UnaryHandler;

/** ReopenContainerLog: the shim reopens the log path after the kubelet rotated it. */
public final class ReopenContainerLogHandler
        implements UnaryHandler<ReopenContainerLogRequest, ReopenContainerLogResponse> {

    private final ContainerService containers;

    public ReopenContainerLogHandler(ContainerService containers) {
        this.containers = containers;
    }

    @Override
    public ReopenContainerLogResponse handle(ReopenContainerLogRequest request) {
        containers.reopenLog(request.getContainerId());
        return ReopenContainerLogResponse.getDefaultInstance();
    }
}
