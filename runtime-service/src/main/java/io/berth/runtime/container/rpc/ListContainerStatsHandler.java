package io.berth.runtime.container.rpc;

import io.berth.cri.v1.ListContainerStatsRequest;
import io.berth.cri.v1.ListContainerStatsResponse;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.container.stats.StatsCollector;
import io.berth.runtime.grpc.UnaryHandler;

/** ListContainerStats: stats of every container the filter matches. */
public final class ListContainerStatsHandler
        implements UnaryHandler<ListContainerStatsRequest, ListContainerStatsResponse> {

    private final ContainerService containers;
    private final StatsCollector stats;

    public ListContainerStatsHandler(ContainerService containers, StatsCollector stats) {
        this.containers = containers;
        this.stats = stats;
    }

    @Override
    public ListContainerStatsResponse handle(ListContainerStatsRequest request) {
        ListContainerStatsResponse.Builder b = ListContainerStatsResponse.newBuilder();
        containers.list(Filters.of(request.hasFilter() ? request.getFilter() : null))
                .forEach(c -> b.addStats(stats.container(c)));
        return b.build();
    }
}
