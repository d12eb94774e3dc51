package io.berth.runtime.container.rpc;

import io.berth.cri.v1.PodSandboxStats;
import io.berth.cri.v1.StreamPodSandboxStatsRequest;
import io.berth.cri.v1.StreamPodSandboxStatsResponse;
import io.berth.runtime.grpc.ResponseStream;
import io.berth.runtime.grpc.StreamingHandler;
import java.util.List;

/** StreamPodSandboxStats: ListPodSandboxStats' answer in batches. */
public final class StreamPodSandboxStatsHandler
        implements StreamingHandler<StreamPodSandboxStatsRequest, StreamPodSandboxStatsResponse> {

    static final int BATCH = 50;

    private final PodStats pods;

    public StreamPodSandboxStatsHandler(PodStats pods) {
        this.pods = pods;
    }

    @Override
    public void handle(StreamPodSandboxStatsRequest request, ResponseStream<StreamPodSandboxStatsResponse> out) {
        List<PodSandboxStats> all = pods.list(request.hasFilter() ? request.getFilter() : null);
        for (int i = 0; i < all.size() && !out.isCancelled(); i += BATCH) {
            out.send(StreamPodSandboxStatsResponse.newBuilder()
                    .addAllPodSandboxStats(all.subList(i, Math.min(all.size(), i + BATCH))).build());
        }
    }
}
