package io.berth.runtime.container.rpc;

import io.berth.cri.v1.ContainerStatsRequest;
import io.berth.cri.v1.ContainerStatsResponse;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.container.stats.StatsCollector;
import io.berth.runtime.grpc.UnaryHandler;

/** ContainerStats: one sample of a container's cgroup and writable layer. */
public final class ContainerStatsHandler implements UnaryHandler<ContainerStatsRequest, ContainerStatsResponse> {

    private final ContainerService containers;
    private final StatsCollector stats;

    public ContainerStatsHandler(ContainerService containers, StatsCollector stats) {
        this.containers = containers;
        this.stats = stats;
    }

    @Override
    public ContainerStatsResponse handle(ContainerStatsRequest request) {
        return ContainerStatsResponse.newBuilder()
                .setStats(stats.container(containers.require(request.getContainerId()))).build();
    }
}
