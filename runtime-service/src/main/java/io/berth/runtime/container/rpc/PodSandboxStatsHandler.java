package io.berth.runtime.container.rpc;

import io.berth.cri.v1.PodSandboxStatsRequest;
import io.berth.cri.v1.PodSandboxStatsResponse;
import io.berth.runtime.grpc.UnaryHandler;

/** PodSandboxStats: the pod cgroup, its netns counters, process count and each container. */
public final class PodSandboxStatsHandler implements UnaryHandler<PodSandboxStatsRequest, PodSandboxStatsResponse> {

    private final PodStats pods;

    public PodSandboxStatsHandler(PodStats pods) {
        this.pods = pods;
    }

    @Override
    public PodSandboxStatsResponse handle(PodSandboxStatsRequest request) {
        return PodSandboxStatsResponse.newBuilder().setStats(pods.one(request.getPodSandboxId())).build();
    }
}
