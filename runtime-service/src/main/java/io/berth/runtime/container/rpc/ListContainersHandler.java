package io.berth.runtime.container.rpc;

import io.berth.cri.v1.ListContainersRequest;
import io.berth.cri.v1.ListContainersResponse;
import io.berth.runtime.container.Container;
import io.berth.runtime.container.ContainerProtos;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.grpc.UnaryHandler;
import io.berth.runtime.store.RecordMessages;

/**
 * ListContainers: filter by id or unique prefix, state, pod sandbox and labels; never fails on a filter.
 * The kubelet relists every second, and most records have not changed since the last list: each
 * record's message is built once and reused (with its memoised size) until the record changes.
 */
public final class ListContainersHandler implements UnaryHandler<ListContainersRequest, ListContainersResponse> {

    private final ContainerService containers;
    private final RecordMessages<Container, io.berth.cri.v1.Container> summaries;

    public ListContainersHandler(ContainerService containers) {
        this.containers = containers;
        this.summaries = containers.messages(ContainerProtos::summary);
    }

    @Override
    public ListContainersResponse handle(ListContainersRequest request) {
        ListContainersResponse.Builder b = ListContainersResponse.newBuilder();
        containers.list(Filters.of(request.hasFilter() ? request.getFilter() : null))
                .forEach(c -> b.addContainers(summaries.of(c)));
        return b.build();
    }

    /** How many messages are kept: one per listed container that exists (for tests). */
    public int kept() {
        return summaries.size();
    }
}
