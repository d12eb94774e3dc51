package io.berth.runtime.container.rpc;

import io.berth.cri.v1.ListPodSandboxStatsRequest;
import io.berth.cri.v1.ListPodSandboxStatsResponse;
import io.berth.runtime.grpc.UnaryHandler;

/** ListPodSandboxStats: stats of every ready pod the filter matches. */
public final class ListPodSandboxStatsHandler
        implements UnaryHandler<ListPodSandboxStatsRequest, ListPodSandboxStatsResponse> {

    private final PodStats pods;

    public ListPodSandboxStatsHandler(PodStats pods) {
        this.pods = pods;
    }

    @Override
    public ListPodSandboxStatsResponse handle(ListPodSandboxStatsRequest request) {
        return ListPodSandboxStatsResponse.newBuilder()
                .addAllStats(pods.list(request.hasFilter() ? request.getFilter() : null)).build();
    }
}
