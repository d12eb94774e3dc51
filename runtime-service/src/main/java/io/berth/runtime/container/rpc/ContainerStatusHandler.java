package io.berth.runtime.container.rpc;

import io.berth.cri.v1.ContainerStatusRequest;
import io.berth.cri.v1.ContainerStatusResponse;
import io.berth.runtime.container.Container;
import io.berth.runtime.container.ContainerProtos;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.grpc.UnaryHandler;
import io.berth.runtime.store.RecordMessages;

/**
 * ContainerStatus: NotFound for an unknown id; {@code verbose} adds pid, shim pid and the OCI spec.
 * The status of an unchanged record is built once (it parses the stored config) and reused.
 */
public final class ContainerStatusHandler implements UnaryHandler<ContainerStatusRequest, ContainerStatusResponse> {

    private final ContainerService containers;
    private final RecordMessages<Container, io.berth.cri.v1.ContainerStatus> statuses;

    public ContainerStatusHandler(ContainerService containers) {
        this.containers = containers;
        this.statuses = containers.messages(ContainerProtos::status);
    }

    @Override
    public ContainerStatusResponse handle(ContainerStatusRequest request) {
        Container c = containers.require(request.getContainerId());
        ContainerStatusResponse.Builder b = ContainerStatusResponse.newBuilder().setStatus(statuses.of(c));
        if (request.getVerbose()) {
            b.putAllInfo(VerboseInfo.of(c, containers.deps().layout()));
        }
        return b.build();
    }

    /** How many statuses are kept: one per asked-about container that exists (for tests). */
    public int kept() {
        return statuses.size();
    }
}
