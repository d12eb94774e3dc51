package io.berth.runtime.container.rpc;

import io.berth.cri.v1.StreamContainerStatsRequest;
import io.berth.cri.v1.StreamContainerStatsResponse;
import io.berth.runtime.container.Container;
import io.berth.runtime.container.ContainerService;
import io.berth.runtime.container.stats.StatsCollector;
import io.berth.runtime.grpc.ResponseStream;
import io.berth.runtime.grpc.StreamingHandler;
import java.util.List;

/** StreamContainerStats: ListContainerStats' answer in batches. */
public final class StreamContainerStatsHandler
        implements StreamingHandler<StreamContainerStatsRequest, StreamContainerStatsResponse> {

    static final int BATCH = 200;

    private final ContainerService containers;
    private final StatsCollector stats;

    public StreamContainerStatsHandler(ContainerService containers, StatsCollector stats) {
        this.containers = containers;
        this.stats = stats;
    }

    @Override
    public void handle(StreamContainerStatsRequest request, ResponseStream<StreamContainerStatsResponse> out) {
        List<Container> all = containers.list(Filters.of(request.hasFilter() ? request.getFilter() : null));
        for (int i = 0; i < all.size() && !out.isCancelled(); i += BATCH) {
            StreamContainerStatsResponse.Builder b = StreamContainerStatsResponse.newBuilder();
            all.subList(i, Math.min(all.size(), i + BATCH)).forEach(c -> b.addContainerStats(stats.container(c)));
            out.send(b.build());
        }
    }
}
