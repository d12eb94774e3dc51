package io.berth.runtime.container.rpc;

import io.berth.cri.v1.ContainerStatusRequest;
import io.berth.cri.v1.ContainerStatusResponse;
import io.berth.runtime.container.Container;
import io.berth.runtime.container.ContainerProtos;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.grpc.UnaryHandler;

/** ContainerStatus: NotFound for an unknown id; {@code verbose} adds pid, shim pid and the OCI spec. */
public final class ContainerStatusHandler implements UnaryHandler<ContainerStatusRequest, ContainerStatusResponse> {

    private final ContainerService containers;

    public ContainerStatusHandler(ContainerService containers) {
        this.containers = containers;
    }

    @Override
    public ContainerStatusResponse handle(ContainerStatusRequest request) {
        Container c = containers.require(request.getContainerId());
        ContainerStatusResponse.Builder b = ContainerStatusResponse.newBuilder().setStatus(ContainerProtos.status(c));
        if (request.getVerbose()) {
            b.putAllInfo(VerboseInfo.of(c, containers.deps().layout()));
        }
        return b.build();
    }
}
