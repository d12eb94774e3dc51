package io.berth.runtime.container.rpc;

import io.berth.cri.v1.ListContainersRequest;
import io.berth.cri.v1.ListContainersResponse;
import io.berth.runtime.container.ContainerProtos;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.grpc.UnaryHandler;

/** ListContainers: filter by id or unique prefix, state, pod sandbox and labels; never fails on a filter. */
public final class ListContainersHandler implements UnaryHandler<ListContainersRequest, ListContainersResponse> {

    private final ContainerService containers;

    public ListContainersHandler(ContainerService containers) {
        this.containers = containers;
    }

    @Override
    public ListContainersResponse handle(ListContainersRequest request) {
        ListContainersResponse.Builder b = ListContainersResponse.newBuilder();
        containers.list(Filters.of(request.hasFilter() ? request.getFilter() : null))
                .forEach(c -> b.addContainers(ContainerProtos.summary(c)));
        return b.build();
    }
}
